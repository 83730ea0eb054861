import { graphql } from "../graphql/tada";

export const ConsoleViewer = graphql(`
  query ConsoleViewer {
    viewer {
      id
      name
      email
      memberships {
        id
        role { name }
        organization {
          id
          name
          viewerCan { manageMembers manageRoles manageSettings manageWebhooks readAuditLog }
        }
      }
    }
  }
`);

export const ConsoleSignIn = graphql(`
  mutation ConsoleSignIn($input: SignInInput!) {
    signIn(input: $input) { token userErrors { code field message } }
  }
`);

export const ConsoleSignUp = graphql(`
  mutation ConsoleSignUp($input: SignUpInput!) {
    signUp(input: $input) { token userErrors { code field message } }
  }
`);

export const ConsoleSignOut = graphql(`
  mutation ConsoleSignOut {
    signOut { signedOut userErrors { code message } }
  }
`);

export const ConsoleCreateOrganization = graphql(`
  mutation ConsoleCreateOrganization($input: CreateOrganizationInput!) {
    createOrganization(input: $input) { organization { id name } userErrors { code field message } }
  }
`);
