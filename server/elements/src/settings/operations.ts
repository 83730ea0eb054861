import { graphql } from "../graphql/tada";

const SettingsFields = graphql(`
  fragment ElementSettingsFields on OrganizationSettings {
    apiAccessForNonAdmins
    revealPolicy
    maxKeyLifetimeDays
    inactivityDays
    expiryWarningDays
    requireKeyApproval
    agreementVersion
    agreementText
  }
`);

export const OrganizationSettingsQuery = graphql(
  `
  query ElementOrganizationSettings($organizationId: ID!) {
    organization(id: $organizationId) {
      id
      name
      viewerCan { manageSettings }
      settings { ...ElementSettingsFields }
    }
  }
`,
  [SettingsFields],
);

export const UpdateOrganizationSettings = graphql(
  `
  mutation ElementUpdateOrganizationSettings($input: UpdateOrganizationInput!) {
    updateOrganization(input: $input) {
      organization { id settings { ...ElementSettingsFields } }
      userErrors { code message field }
    }
  }
`,
  [SettingsFields],
);
