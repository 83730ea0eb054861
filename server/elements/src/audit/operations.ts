import { graphql } from "../graphql/tada";

export const AuditLogPage = graphql(`
  query ElementAuditLogPage(
    $organizationId: ID!
    $first: Int
    $after: String
    $targetId: ID
    $actorId: ID
    $actions: [AuditAction!]
    $since: DateTimeISO
    $until: DateTimeISO
  ) {
    organization(id: $organizationId) {
      id
      viewerCan { readAuditLog }
      auditLog(first: $first, after: $after, targetId: $targetId, actorId: $actorId, actions: $actions, since: $since, until: $until) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes {
          id
          action
          occurredAt
          reason
          targetId
          targetType
          metadata
          actorPlatformKeyId
          actor { id name email }
        }
      }
    }
  }
`);

/** The people an entry's actor may be, for the "who" filter. */
export const AuditActors = graphql(`
  query ElementAuditActors($organizationId: ID!) {
    organization(id: $organizationId) {
      id
      members(first: 100) { nodes { id user { id name email } } }
    }
  }
`);

/** The names of the objects a page of entries is about; null for those deleted since or hidden from the viewer. */
export const AuditTargets = graphql(`
  query ElementAuditTargets($ids: [ID!]!) {
    nodes(ids: $ids) {
      __typename
      id
      ... on ApiKey { name }
      ... on WebhookEndpoint { url }
      ... on Organization { name }
      ... on Location { name }
      ... on Role { name }
      ... on User { name }
      ... on Membership { user { name } }
    }
  }
`);
