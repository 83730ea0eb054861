import { graphql, type ResultOf } from "../graphql/tada";

const EndpointFields = graphql(`
  fragment ElementWebhookEndpoint on WebhookEndpoint {
    id
    url
    description
    eventTypes
    status
    disabledReason
    failingSince
    createdAt
    createdBy { id name }
    location { id name }
    viewerCan { update pause resume rotateSecret sendTest redeliver delete }
  }
`);

export const OrganizationWebhooks = graphql(
  `
  query ElementOrganizationWebhooks($organizationId: ID!, $createdById: ID) {
    webhookEventTypes
    organization(id: $organizationId) {
      id
      viewerCan { manageWebhooks }
      webhookEndpoints(first: 100, createdById: $createdById) { totalCount nodes { ...ElementWebhookEndpoint } }
    }
  }
`,
  [EndpointFields],
);

export type Endpoint = ResultOf<typeof EndpointFields>;

export const CreateEndpoint = graphql(
  `
  mutation ElementCreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {
    createWebhookEndpoint(input: $input) { signingSecret endpoint { ...ElementWebhookEndpoint } userErrors { code message field } }
  }
`,
  [EndpointFields],
);

export const UpdateEndpoint = graphql(
  `
  mutation ElementUpdateWebhookEndpoint($input: UpdateWebhookEndpointInput!) {
    updateWebhookEndpoint(input: $input) { endpoint { ...ElementWebhookEndpoint } userErrors { code message field } }
  }
`,
  [EndpointFields],
);

export const RotateSecret = graphql(
  `
  mutation ElementRotateWebhookSecret($id: ID!) {
    rotateWebhookSecret(input: { id: $id }) { signingSecret endpoint { ...ElementWebhookEndpoint } userErrors { code message field } }
  }
`,
  [EndpointFields],
);

export const PauseEndpoint = graphql(
  `
  mutation ElementPauseWebhookEndpoint($id: ID!) {
    pauseWebhookEndpoint(input: { id: $id }) { endpoint { ...ElementWebhookEndpoint } userErrors { code message field } }
  }
`,
  [EndpointFields],
);

export const ResumeEndpoint = graphql(
  `
  mutation ElementResumeWebhookEndpoint($id: ID!) {
    resumeWebhookEndpoint(input: { id: $id }) { endpoint { ...ElementWebhookEndpoint } userErrors { code message field } }
  }
`,
  [EndpointFields],
);

export const SendTest = graphql(
  `
  mutation ElementSendTestWebhook($id: ID!) {
    sendTestWebhook(input: { id: $id }) { endpoint { ...ElementWebhookEndpoint } userErrors { code message field } }
  }
`,
  [EndpointFields],
);

export const DeleteEndpoint = graphql(`
  mutation ElementDeleteWebhookEndpoint($id: ID!) {
    deleteWebhookEndpoint(input: { id: $id }) { deletedEndpointId userErrors { code message field } }
  }
`);

const AttemptFields = graphql(`
  fragment ElementWebhookAttempt on WebhookAttempt { id createdAt trigger responseStatus latencyMs responseBody error }
`);

export const EndpointMessages = graphql(
  `
  query ElementWebhookMessages($id: ID!, $after: String) {
    node(id: $id) {
      ... on WebhookEndpoint {
        id
        url
        description
        viewerCan { redeliver }
        messages(first: 10, after: $after) {
          totalCount
          pageInfo { endCursor hasNextPage }
          nodes { id eventType status createdAt deliveredAt nextAttemptAt attemptCount attempts { ...ElementWebhookAttempt } }
        }
      }
    }
  }
`,
  [AttemptFields],
);

export type Message = NonNullable<
  Extract<NonNullable<ResultOf<typeof EndpointMessages>["node"]>, { messages: unknown }>["messages"]
>["nodes"][number];

export const RedeliverMessage = graphql(`
  mutation ElementRedeliverWebhookMessage($id: ID!) {
    redeliverWebhookMessage(input: { id: $id }) { message { id status } userErrors { code message field } }
  }
`);

export const RecoverMessages = graphql(`
  mutation ElementRecoverWebhookMessages($id: ID!, $since: DateTimeISO!) {
    recoverWebhookMessages(input: { id: $id, since: $since }) { count userErrors { code message field } }
  }
`);

/** The name people know an endpoint by: its description, or its URL when it has none. */
export function endpointName(endpoint: { description: string; url: string }): string {
  return endpoint.description || endpoint.url;
}
