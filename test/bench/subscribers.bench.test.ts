import { type Client, createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createTestDatabase } from "../support/database";
import { eventually } from "../support/eventually";
import { createOrganization, graphqlData, signUp } from "../support/graphql-client";
import { CONTACT, CREATE_KEY } from "../support/keys";
import { metricValue } from "../support/metrics";
import { type Spawned, spawnLatchkey } from "./processes";
import { report } from "./report";

/**
 * 5,000 graphql-ws subscribers on one Latchkey instance each receive a key event within one second
 * of it being raised. Latency is measured from just before the mutation that raises the event to
 * each subscriber's receipt, and reported as a distribution.
 */
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 5000);

let latchkey: Spawned;
let drop: () => Promise<void>;
const clients: Client[] = [];

beforeAll(async () => {
  const database = await createTestDatabase();
  drop = database.drop;
  latchkey = await spawnLatchkey(database.url, "ws");
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await latchkey?.stop();
  await drop?.();
});

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

describe("subscriptions at scale", () => {
  it(`delivers one event to ${SUBSCRIBERS} subscribers within a second`, async () => {
    const server = { graphqlUrl: `${latchkey.url}/graphql` };
    const owner = await signUp(server, "Subscribed Owner");
    const organization = await createOrganization(server, owner.token, "Busy Org");
    await graphqlData(
      server,
      `mutation($input: AcceptApiAgreementInput!) { acceptApiAgreement(input: $input) { userErrors { code } } }`,
      { input: { organizationId: organization.id } },
      owner.token,
    );

    const receivedAt: number[] = [];
    let subscribed = 0;
    const connectStarted = performance.now();
    for (let start = 0; start < SUBSCRIBERS; start += 100) {
      await Promise.all(
        Array.from({ length: Math.min(100, SUBSCRIBERS - start) }, async () => {
          const client = createClient({
            url: server.graphqlUrl.replace(/^http/, "ws"),
            webSocketImpl: WebSocket,
            connectionParams: { authorization: `Bearer ${owner.token}` },
            retryAttempts: 0,
            lazy: false,
            onNonLazyError: () => undefined,
          });
          clients.push(client);
          await new Promise<void>((resolve, reject) => {
            client.on("connected", () => resolve());
            client.on("error", reject);
          });
          client.subscribe(
            {
              query: `subscription($id: ID!) { keyEvents(organizationId: $id, types: ["key.created"]) { keyId } }`,
              variables: { id: organization.id },
            },
            { next: () => receivedAt.push(performance.now()), error: () => undefined, complete: () => undefined },
          );
          subscribed++;
        }),
      );
    }
    const connectSeconds = (performance.now() - connectStarted) / 1000;
    // Raise the event once the server has registered every subscription.
    await eventually(async () => expect(await metricValue(latchkey, "latchkey_event_subscriptions_total")).toBe(subscribed), {
      timeoutMs: 60_000,
    });

    const raisedAt = performance.now();
    await graphqlData(
      server,
      CREATE_KEY,
      { input: { organizationId: organization.id, name: "Broadcast", kind: "SECRET", contact: CONTACT } },
      owner.token,
    );
    // Whoever has not heard it within 10 s shows in the figures as missing.
    await eventually(() => expect(receivedAt.length).toBe(SUBSCRIBERS), { timeoutMs: 10_000, intervalMs: 20 }).catch(() => undefined);

    const latencies = receivedAt.map((at) => at - raisedAt).sort((a, b) => a - b);
    const figures = {
      subscribers: subscribed,
      received: latencies.length,
      connectSeconds: Number(connectSeconds.toFixed(1)),
      latencyMilliseconds: {
        p50: Math.round(percentile(latencies, 50)),
        p90: Math.round(percentile(latencies, 90)),
        p99: Math.round(percentile(latencies, 99)),
        max: Math.round(latencies.at(-1) ?? Number.NaN),
      },
    };
    await report("subscribers-5000", figures);
    expect(latencies).toHaveLength(SUBSCRIBERS);
    expect(figures.latencyMilliseconds.max).toBeLessThan(1000);
  });
});
