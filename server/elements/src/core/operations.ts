import { graphql } from "../graphql/tada";

export const OrganizationByExternalId = graphql(`
  query OrganizationByExternalId($externalId: String!) {
    organizationByExternalId(externalId: $externalId) { id }
  }
`);
