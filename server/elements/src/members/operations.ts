import { graphql } from "../graphql/tada";

const UserErrorFields = graphql(`
  fragment MemberUserErrorFields on UserError { code message field }
`);

const MemberFields = graphql(`
  fragment ElementMember on Membership {
    id
    createdAt
    user { id name email }
    role { id name }
    viewerCan { changeRole remove }
  }
`);

/** The next page of members, for organisations with more than one page of them. */
export const MoreMembers = graphql(
  `
  query ElementMoreMembers($organizationId: ID!, $after: String) {
    organization(id: $organizationId) {
      members(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { ...ElementMember }
      }
    }
  }
`,
  [MemberFields],
);

export const OrganizationMembers = graphql(
  `
  query ElementOrganizationMembers($organizationId: ID!, $after: String) {
    viewer { id }
    organization(id: $organizationId) {
      id
      name
      viewerPermissions
      viewerCan { manageMembers }
      members(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { ...ElementMember }
      }
      roles(first: 100) { nodes { id name permissions } }
    }
  }
`,
  [MemberFields],
);

export const AddMember = graphql(
  `
  mutation ElementAddMember($input: AddMemberInput!) {
    addMember(input: $input) { membership { id } userErrors { ...MemberUserErrorFields } }
  }
`,
  [UserErrorFields],
);

export const ChangeMemberRole = graphql(
  `
  mutation ElementChangeMemberRole($input: ChangeMemberRoleInput!) {
    changeMemberRole(input: $input) { membership { id } userErrors { ...MemberUserErrorFields } }
  }
`,
  [UserErrorFields],
);

export const RemoveMember = graphql(
  `
  mutation ElementRemoveMember($input: RemoveMemberInput!) {
    removeMember(input: $input) { removedMembershipId userErrors { ...MemberUserErrorFields } }
  }
`,
  [UserErrorFields],
);
