import type { LatchkeyClient } from "../core/client";
import type { EndpointAction } from "./endpoints-table";
import { type Endpoint, endpointName, PauseEndpoint, ResumeEndpoint, RotateSecret, SendTest } from "./operations";

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
  action: Exclude<EndpointAction, "deliveries" | "delete">,
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
