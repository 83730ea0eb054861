import { graphql } from "../graphql/tada";

export const OrganizationKeys = graphql(`
  query ElementOrganizationKeys($organizationId: ID!) {
    organization(id: $organizationId) {
      id
      name
      keys(first: 100) {
        totalCount
        nodes { id name kind state expiresAt lastUsedAt }
      }
    }
  }
`);
