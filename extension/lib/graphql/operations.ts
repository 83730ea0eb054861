import { graphql, type ResultOf } from "./tada";

/** What a key row shows: never the secret, only its mask. */
export const KeyFields = graphql(`
  fragment KeyFields on ApiKey {
    id
    name
    kind
    state
    scopes
    maskedSecret
    publicId
    personal
    expiresAt
    lastUsedAt
    revokedReason
    location { id name }
    mappedUser { id email }
  }
`);

export const SignIn = graphql(`
  mutation SignIn($input: SignInInput!) {
    signIn(input: $input) { token expiresAt user { email } userErrors { code message field } }
  }
`);

export const SignOut = graphql(`
  mutation SignOut { signOut { signedOut userErrors { code message } } }
`);

/** The signed-in user (or the API key's mapped user) with the organisations and locations they see. */
export const Viewer = graphql(`
  query Viewer {
    viewer {
      id
      email
      name
      memberships {
        organization {
          id
          name
          viewerPermissions
          settings { revealPolicy }
          viewerApiAgreement { accepted currentVersion }
          locations(first: 100) { nodes { id name } }
        }
      }
    }
  }
`);

export const OrganizationKeys = graphql(
  `
  query OrganizationKeys($organizationId: ID!, $search: String, $states: [KeyState!], $kinds: [KeyKind!], $locationId: ID, $after: String) {
    organization(id: $organizationId) {
      id
      keys(first: 100, search: $search, states: $states, kinds: $kinds, locationId: $locationId, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { ...KeyFields }
      }
    }
  }
`,
  [KeyFields],
);

/**
 * An organisation's active keys with both deadlines' inputs, for the badge. No server filter covers
 * the inactivity clock (last use plus the organisation's `inactivityDays`), so the badge reads them all.
 */
export const BadgeKeys = graphql(`
  query BadgeKeys($organizationId: ID!, $after: String) {
    organization(id: $organizationId) {
      settings { inactivityDays }
      keys(first: 100, states: [ACTIVE], after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { expiresAt lastUsedAt createdAt }
      }
    }
  }
`);

/** Expiry warnings after a cursor, oldest first: what the background missed while disconnected. */
export const MissedKeyWarnings = graphql(`
  query MissedKeyWarnings($organizationId: ID!, $after: String) {
    organization(id: $organizationId) {
      keyEvents(after: $after, first: 100, types: ["key.expiring"]) {
        pageInfo { hasNextPage endCursor }
        nodes { keyId type occurredAt data cursor }
      }
    }
  }
`);

export const RevealKeySecret = graphql(
  `
  mutation RevealKeySecret($input: RevealKeySecretInput!) {
    revealKeySecret(input: $input) { secret key { ...KeyFields } userErrors { code message field } }
  }
`,
  [KeyFields],
);

export const RotateKey = graphql(
  `
  mutation RotateKey($input: RotateKeyInput!) {
    rotateKey(input: $input) { secret key { ...KeyFields } userErrors { code message field } }
  }
`,
  [KeyFields],
);

export const RevokeKey = graphql(
  `
  mutation RevokeKey($input: RevokeKeyInput!) {
    revokeKey(input: $input) { key { ...KeyFields } userErrors { code message field } }
  }
`,
  [KeyFields],
);

export const AcceptApiAgreement = graphql(`
  mutation AcceptApiAgreement($input: AcceptApiAgreementInput!) {
    acceptApiAgreement(input: $input) {
      organization { id viewerApiAgreement { accepted currentVersion } }
      userErrors { code message field }
    }
  }
`);

/** Expiry and inactivity warnings, one per key, clock and threshold (`data.daysLeft`, `data.name`). */
export const KeyExpiringSubscription = graphql(`
  subscription KeyExpiring($organizationId: ID!) {
    keyExpiring(organizationId: $organizationId) { keyId type occurredAt data cursor }
  }
`);

/** Any change to a key, so the badge follows keys created, rotated, revoked or deleted elsewhere. */
export const KeyEventsSubscription = graphql(`
  subscription KeyEvents($organizationId: ID!) {
    keyEvents(organizationId: $organizationId) { keyId type occurredAt }
  }
`);

export type KeyView = ResultOf<typeof KeyFields>;
export type ViewerResult = ResultOf<typeof Viewer>["viewer"];
export type OrganizationView = NonNullable<ViewerResult["memberships"][number]["organization"]>;

/** A key as the popup lists it: what a row shows, the badge's inputs, and what the viewer may do. */
export const PopupKeyFields = graphql(
  `
  fragment PopupKeyFields on ApiKey {
    ...KeyFields
    createdAt
    viewerCan { reveal copy rotate revoke disable enable approve update }
  }
`,
  [KeyFields],
);

/** One organization's keys for the popup, with what the viewer may do there and the badge's inactivity clock. */
export const PopupOrganizationKeys = graphql(
  `
  query PopupOrganizationKeys($organizationId: ID!, $search: String, $states: [KeyState!], $kinds: [KeyKind!], $locationId: ID, $after: String) {
    organization(id: $organizationId) {
      id
      viewerPermissions
      settings { inactivityDays revealPolicy agreementText }
      viewerCan { createKey createKeyRefusal }
      viewerApiAgreement { accepted currentVersion }
      keys(first: 100, search: $search, states: $states, kinds: $kinds, locationId: $locationId, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { ...PopupKeyFields }
      }
    }
  }
`,
  [PopupKeyFields],
);

export const PopupCreateKey = graphql(
  `
  mutation PopupCreateKey($input: CreateKeyInput!) {
    createKey(input: $input) { secret key { ...PopupKeyFields } userErrors { code message field } }
  }
`,
  [PopupKeyFields],
);

export type PopupKeyView = ResultOf<typeof PopupKeyFields>;
export type PopupOrganizationResult = NonNullable<ResultOf<typeof PopupOrganizationKeys>["organization"]>;
