import { graphql } from "../graphql/tada";

const UserErrorFields = graphql(`
  fragment RoleUserErrorFields on UserError { code message field }
`);

export const OrganizationRoles = graphql(`
  query ElementOrganizationRoles($organizationId: ID!) {
    permissionCatalogue { permission value description }
    organization(id: $organizationId) {
      id
      name
      viewerPermissions
      viewerCan { manageRoles }
      roles(first: 100) {
        nodes { id name description builtIn permissions holderCount viewerCan { update delete } }
      }
    }
  }
`);

export const CreateRole = graphql(
  `
  mutation ElementCreateRole($input: CreateRoleInput!) {
    createRole(input: $input) { role { id } userErrors { ...RoleUserErrorFields } }
  }
`,
  [UserErrorFields],
);

export const UpdateRole = graphql(
  `
  mutation ElementUpdateRole($input: UpdateRoleInput!) {
    updateRole(input: $input) { role { id } userErrors { ...RoleUserErrorFields } }
  }
`,
  [UserErrorFields],
);

export const DeleteRole = graphql(
  `
  mutation ElementDeleteRole($input: DeleteRoleInput!) {
    deleteRole(input: $input) { deletedRoleId userErrors { ...RoleUserErrorFields } }
  }
`,
  [UserErrorFields],
);
