import { graphql } from "../graphql/tada";

/** What a row shows and what the viewer may do with it: one field list for the list, the live refetch and the mutations. */
export const KeyRowFields = graphql(`
  fragment ElementKeyRow on ApiKey {
    id name kind state publicId maskedSecret expiresAt lastUsedAt createdAt revokedAt
    location { id name }
    viewerCan { approve copy disable enable reveal revoke rotate }
  }
`);

export const KeysPage = graphql(
  `
  query ElementKeysPage($organizationId: ID!, $locationId: ID, $search: String, $after: String) {
    organization(id: $organizationId) {
      id
      name
      settings { inactivityDays expiryWarningDays revealPolicy maxKeyLifetimeDays agreementText }
      viewerCan { createKey createKeyRefusal }
      viewerApiAgreement { accepted currentVersion }
      viewerPermissions
      locations(first: 100) { nodes { id name } }
      keys(first: 100, after: $after, locationId: $locationId, search: $search) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { ...ElementKeyRow }
      }
    }
  }
`,
  [KeyRowFields],
);

/** The pages after the first: the keys alone. */
export const MoreKeys = graphql(
  `
  query ElementMoreKeys($organizationId: ID!, $locationId: ID, $search: String, $after: String) {
    organization(id: $organizationId) {
      id
      keys(first: 100, after: $after, locationId: $locationId, search: $search) {
        pageInfo { hasNextPage endCursor }
        nodes { ...ElementKeyRow }
      }
    }
  }
`,
  [KeyRowFields],
);

export const KeysByIds = graphql(
  `
  query ElementKeysByIds($ids: [ID!]!) {
    nodes(ids: $ids) { ... on ApiKey { ...ElementKeyRow } }
  }
`,
  [KeyRowFields],
);

export const KeyEvents = graphql(`
  subscription ElementKeyEvents($organizationId: ID!) {
    keyEvents(organizationId: $organizationId) { type keyId }
  }
`);

export const AcceptAgreement = graphql(`
  mutation ElementAcceptAgreement($input: AcceptApiAgreementInput!) {
    acceptApiAgreement(input: $input) {
      organization { id viewerApiAgreement { accepted currentVersion } }
      userErrors { code message field }
    }
  }
`);

export const CreateKey = graphql(
  `
  mutation ElementCreateKey($input: CreateKeyInput!) {
    createKey(input: $input) { secret key { ...ElementKeyRow } userErrors { code message field } }
  }
`,
  [KeyRowFields],
);

export const RevealKey = graphql(
  `
  mutation ElementRevealKey($input: RevealKeySecretInput!) {
    revealKeySecret(input: $input) { secret key { ...ElementKeyRow } userErrors { code message field } }
  }
`,
  [KeyRowFields],
);

export const RotateKey = graphql(
  `
  mutation ElementRotateKey($input: RotateKeyInput!) {
    rotateKey(input: $input) { secret key { ...ElementKeyRow } userErrors { code message field } }
  }
`,
  [KeyRowFields],
);

export const RevokeKey = graphql(
  `
  mutation ElementRevokeKey($input: RevokeKeyInput!) {
    revokeKey(input: $input) { key { ...ElementKeyRow } userErrors { code message field } }
  }
`,
  [KeyRowFields],
);

export const DisableKey = graphql(
  `
  mutation ElementDisableKey($input: KeyIdInput!) {
    disableKey(input: $input) { key { ...ElementKeyRow } userErrors { code message field } }
  }
`,
  [KeyRowFields],
);

export const EnableKey = graphql(
  `
  mutation ElementEnableKey($input: KeyIdInput!) {
    enableKey(input: $input) { key { ...ElementKeyRow } userErrors { code message field } }
  }
`,
  [KeyRowFields],
);

export const ApproveKey = graphql(
  `
  mutation ElementApproveKey($input: KeyIdInput!) {
    approveKey(input: $input) { key { ...ElementKeyRow } userErrors { code message field } }
  }
`,
  [KeyRowFields],
);
