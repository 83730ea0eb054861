import type { LatchkeyClient } from "../core/client";
import type { UserError } from "../core/failure";
import { changesOf, type EndpointFormInput } from "./endpoint-form";
import type { EndpointAction } from "./endpoints-table";
import {
  CreateEndpoint,
  DeleteEndpoint,
  type Endpoint,
  endpointName,
  PauseEndpoint,
  ResumeEndpoint,
  RotateSecret,
  SendTest,
  UpdateEndpoint,
} from "./operations";

/** The DOM event (after `latchkey-`) announcing each row action that worked, for hosts that keep other views in step. */
export const ANNOUNCED = {
  pause: "webhook-paused",
  resume: "webhook-resumed",
  sendTest: "webhook-test-sent",
  rotateSecret: "webhook-secret-rotated",
} as const;

/** What one row action came to: the endpoint as it is now, a refusal in plain words, or a secret to show once. */
export interface ActionOutcome {
  endpoint?: Endpoint | null;
  failure?: string;
  notice: string | null;
  secret?: string | null;
}

/** Runs a row action's mutation; a refusal (`userErrors`) comes back as `failure`, with nothing changed. */
export async function runEndpointAction(
  client: LatchkeyClient,
  action: Exclude<EndpointAction, "deliveries" | "delete" | "edit">,
  endpoint: Endpoint,
): Promise<ActionOutcome> {
  const variables = { id: endpoint.id };
  const name = endpointName(endpoint);
  if (action === "rotateSecret") {
    const { rotateWebhookSecret: payload } = await client.request(RotateSecret, variables);
    const [refusal] = payload.userErrors;
    if (refusal) return { failure: refusal.message, notice: null };
    return { endpoint: payload.endpoint, secret: payload.signingSecret, notice: `The signing secret of ${name} was replaced.` };
  }
  const payload =
    action === "pause"
      ? (await client.request(PauseEndpoint, variables)).pauseWebhookEndpoint
      : action === "resume"
        ? (await client.request(ResumeEndpoint, variables)).resumeWebhookEndpoint
        : (await client.request(SendTest, variables)).sendTestWebhook;
  const [refusal] = payload.userErrors;
  if (refusal) return { failure: refusal.message, notice: null };
  const notices = {
    pause: `${name} is paused: events are kept until you resume it.`,
    resume: `${name} is receiving events again.`,
    sendTest: `A test event is on its way to ${name}.`,
  };
  return { endpoint: payload.endpoint, notice: notices[action] };
}

/** Registers an endpoint; its signing secret comes back this once, or the refusals to show beside their fields. */
export async function createEndpoint(
  client: LatchkeyClient,
  organizationId: string,
  input: EndpointFormInput,
): Promise<{ created: { endpoint: Endpoint; secret: string } | null; errors: readonly UserError[] }> {
  const description = input.description || null;
  const { createWebhookEndpoint: payload } = await client.request(CreateEndpoint, { input: { organizationId, ...input, description } });
  const { endpoint, signingSecret } = payload;
  if (payload.userErrors.length || !endpoint || !signingSecret) return { created: null, errors: payload.userErrors };
  return { created: { endpoint, secret: signingSecret }, errors: [] };
}

/**
 * Saves what the person changed in an endpoint's form (nothing else, so another admin's change to
 * another field stands); the endpoint as it is now, or the refusals to show beside their fields.
 */
export async function updateEndpoint(
  client: LatchkeyClient,
  endpoint: Endpoint,
  input: EndpointFormInput,
): Promise<{ updated: Endpoint | null; errors: readonly UserError[] }> {
  const changes = changesOf(endpoint, input);
  if (!Object.keys(changes).length) return { updated: endpoint, errors: [] };
  const { updateWebhookEndpoint: payload } = await client.request(UpdateEndpoint, { input: { id: endpoint.id, ...changes } });
  if (payload.userErrors.length || !payload.endpoint) return { updated: null, errors: payload.userErrors };
  return { updated: payload.endpoint, errors: [] };
}

/** Deletes an endpoint with its log; returns the refusal in plain words, or null when it is gone. */
export async function deleteEndpoint(client: LatchkeyClient, endpoint: Endpoint): Promise<string | null> {
  const { deleteWebhookEndpoint } = await client.request(DeleteEndpoint, { id: endpoint.id });
  return deleteWebhookEndpoint.userErrors[0]?.message ?? null;
}
