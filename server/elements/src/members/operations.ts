import { graphql } from "../graphql/tada";

const UserErrorFields = graphql(`
  fragment MemberUserErrorFields on UserError { code message field }
`);

export const OrganizationMembers = graphql(`
  query ElementOrganizationMembers($organizationId: ID!) {
    viewer { id }
    organization(id: $organizationId) {
      id
      name
      viewerPermissions
      viewerCan { manageMembers }
      members(first: 100) {
        nodes {
          id
          createdAt
          user { id name email }
          role { id name }
          viewerCan { changeRole remove }
        }
      }
      roles(first: 100) { nodes { id name permissions } }
    }
  }
`);

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
