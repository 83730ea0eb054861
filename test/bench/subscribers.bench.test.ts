import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../support/database";
import { eventually } from "../support/eventually";
import { createOrganization, graphqlData, signUp } from "../support/graphql-client";
import { CONTACT, CREATE_KEY } from "../support/keys";
import { metricValue } from "../support/metrics";
import { type Spawned, spawnLatchkey } from "./processes";
import { report } from "./report";

/**
 * 20,000 graphql-ws subscribers each receive a key event within one second of it being raised.
 * Latency is measured from just before the mutation that raises the event to each subscriber's
 * receipt, and reported as a distribution, with the time it took to connect and subscribe them all.
 *
 * The first event after the subscriptions open is reported on its own (`coldEvent`) and not held to
 * the target: it runs the delivery path for the first time, and V8 spends a fifth of the instances'
 * CPU compiling it (seen in `perf`). Then `BENCH_EVENTS` events (5 by default) are raised one after
 * another, each once the one before has reached everyone, and every one of them is held to the target,
 * as the HTTP benches hold every round after their warm-up.
 *
 * The clients live in child processes (`subscriber-clients.mjs`), not in this one: one Node thread
 * parsing 20,000 messages one after the other takes long enough to dominate the figure, which is
 * meant to measure the server. Each child stamps receipts with `performance.timeOrigin +
 * performance.now()`, a clock every process on the machine shares.
 *
 * One process may hold only so many sockets: the open-file limit here is 20,000 (hard), which one
 * instance's 20,000 sockets plus its own files exceed. Beyond `SUBSCRIBERS_PER_INSTANCE` the
 * subscribers are spread over several Latchkey instances on one database, as in production, and the
 * event, raised on the first, reaches the others through PostgreSQL's NOTIFY.
 */
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 20_000);
const SUBSCRIBERS_PER_INSTANCE = 15_000;
const INSTANCES = Number(process.env.BENCH_INSTANCES ?? Math.ceil(SUBSCRIBERS / SUBSCRIBERS_PER_INSTANCE));
const CLIENT_PROCESSES = Number(process.env.BENCH_CLIENT_PROCESSES ?? Math.max(INSTANCES, Math.ceil(SUBSCRIBERS / 5_000)));
const EVENTS = Number(process.env.BENCH_EVENTS ?? 5);
const CLIENTS = path.resolve(__dirname, "subscriber-clients.mjs");

type FromClients = { type: "subscribed"; subscribed: number; failures: number } | { type: "received"; event: number; receivedAt: number[] };

let instances: Spawned[] = [];
let drop: () => Promise<void>;
const children: ChildProcess[] = [];

beforeAll(async () => {
  const database = await createTestDatabase();
  drop = database.drop;
  // The first migrates the database; the others start on it once it is ready.
  instances = [await spawnLatchkey(database.url, "ws-0")];
  instances.push(
    ...(await Promise.all(Array.from({ length: INSTANCES - 1 }, (_, index) => spawnLatchkey(database.url, `ws-${index + 1}`)))),
  );
}, 120_000);

afterAll(async () => {
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null) return;
      const exited = once(child, "exit");
      child.send({ type: "dispose" });
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
      if (child.exitCode === null) child.kill();
    }),
  );
  await Promise.all(instances.map((instance) => instance.stop()));
  await drop?.();
}, 120_000);

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** The next message of one kind from a client process (of one event, for receipts). */
function nextMessage<T extends FromClients["type"]>(
  child: ChildProcess,
  type: T,
  event?: number,
): Promise<Extract<FromClients, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: FromClients) => {
      if (message.type !== type || (message.type === "received" && message.event !== event)) return;
      child.off("message", onMessage);
      resolve(message as Extract<FromClients, { type: T }>);
    };
    child.on("message", onMessage);
    child.once("exit", (code) => reject(new Error(`a subscriber process exited with ${code}`)));
  });
}

const now = () => performance.timeOrigin + performance.now();

/**
 * CPU time a process has used so far, in milliseconds (Linux; null elsewhere). What the server spends
 * on one fan-out, unlike the wall-clock latency, hardly depends on what else the machine is running.
 */
async function cpuMilliseconds(pid: number | undefined): Promise<number | null> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => null);
  // Fields 14 and 15 (user and system time, in ticks of 1/100 s) after the parenthesised command name.
  const fields = stat?.slice(stat.lastIndexOf(")") + 2).split(" ");
  return fields ? (Number(fields[11]) + Number(fields[12])) * 10 : null;
}

async function totalCpuMilliseconds(processes: { pid?: number }[]): Promise<number | null> {
  const each = await Promise.all(processes.map((process) => cpuMilliseconds(process.pid)));
  return each.includes(null) ? null : each.reduce<number>((sum, ms) => sum + (ms ?? 0), 0);
}

describe("subscriptions at scale", () => {
  it(`delivers each event to ${SUBSCRIBERS} subscribers within a second`, async () => {
    const first = { graphqlUrl: `${instances[0].url}/graphql` };
    const owner = await signUp(first, "Subscribed Owner");
    const organization = await createOrganization(first, owner.token, "Busy Org");
    await graphqlData(
      first,
      `mutation($input: AcceptApiAgreementInput!) { acceptApiAgreement(input: $input) { userErrors { code } } }`,
      { input: { organizationId: organization.id } },
      owner.token,
    );

    const connectStarted = now();
    const shares = Array.from({ length: CLIENT_PROCESSES }, (_, index) => {
      const count = Math.floor(SUBSCRIBERS / CLIENT_PROCESSES) + (index < SUBSCRIBERS % CLIENT_PROCESSES ? 1 : 0);
      const instance = index % INSTANCES;
      const child = fork(
        CLIENTS,
        [
          JSON.stringify({
            url: `${instances[instance].url.replace(/^http/, "ws")}/graphql`,
            token: owner.token,
            query: `subscription($id: ID!) { keyEvents(organizationId: $id, types: ["key.created"]) { keyId } }`,
            variables: { id: organization.id },
            count,
          }),
        ],
        { execArgv: [], stdio: ["ignore", "inherit", "inherit", "ipc"] },
      );
      children.push(child);
      return { child, instance, count, subscribed: nextMessage(child, "subscribed") };
    });
    const subscribed = await Promise.all(shares.map((share) => share.subscribed));
    const connectSeconds = (now() - connectStarted) / 1000;
    expect(subscribed.map((share) => share.failures)).toEqual(shares.map(() => 0));

    // Raise events once every instance has registered every subscription made to it.
    for (const [index, instance] of instances.entries()) {
      const expected = shares.filter((share) => share.instance === index).reduce((sum, share) => sum + share.count, 0);
      await eventually(async () => expect(await metricValue(instance, "latchkey_event_subscriptions_total")).toBe(expected), {
        timeoutMs: 60_000,
      });
    }

    const servers = instances.map((instance) => instance.child);
    /** Raises one event and measures it: latencies from raising it to each receipt, and the CPU the fan-out took. */
    const raise = async (event: number) => {
      const received = shares.map((share) => nextMessage(share.child, "received", event));
      const [serverCpuBefore, clientCpuBefore] = [await totalCpuMilliseconds(servers), await totalCpuMilliseconds(children)];
      const raisedAt = now();
      await graphqlData(
        first,
        CREATE_KEY,
        { input: { organizationId: organization.id, name: `Broadcast ${event}`, kind: "SECRET", contact: CONTACT } },
        owner.token,
      );
      // Whoever has not heard it within 10 s shows in the figures as missing.
      const late = setTimeout(() => {
        for (const share of shares) share.child.send({ type: "report", event });
      }, 10_000);
      const receipts = await Promise.all(received);
      clearTimeout(late);
      const [serverCpuAfter, clientCpuAfter] = [await totalCpuMilliseconds(servers), await totalCpuMilliseconds(children)];
      const latencies = receipts.flatMap((share) => share.receivedAt.map((at) => at - raisedAt)).sort((a, b) => a - b);
      return {
        received: latencies.length,
        // CPU time of every instance, and of every client process, from raising the event to the last
        // receipt (10 ms resolution): on 2 cores, the two together bound how low the latency can go.
        serverCpuMilliseconds: serverCpuBefore === null || serverCpuAfter === null ? null : serverCpuAfter - serverCpuBefore,
        clientCpuMilliseconds: clientCpuBefore === null || clientCpuAfter === null ? null : clientCpuAfter - clientCpuBefore,
        latencyMilliseconds: {
          first: Math.round(latencies[0] ?? Number.NaN),
          p50: Math.round(percentile(latencies, 50)),
          p90: Math.round(percentile(latencies, 90)),
          p99: Math.round(percentile(latencies, 99)),
          max: Math.round(latencies.at(-1) ?? Number.NaN),
        },
      };
    };

    const coldEvent = await raise(0);
    const events = [];
    for (let event = 1; event <= EVENTS; event++) events.push(await raise(event));
    await report(`subscribers-${SUBSCRIBERS}`, {
      subscribers: SUBSCRIBERS,
      instances: INSTANCES,
      clientProcesses: CLIENT_PROCESSES,
      connectSeconds: Number(connectSeconds.toFixed(1)),
      coldEvent,
      events,
    });
    expect(coldEvent.received).toBe(SUBSCRIBERS);
    for (const event of events) {
      expect(event.received).toBe(SUBSCRIBERS);
      expect(event.latencyMilliseconds.p99).toBeLessThan(1000);
      expect(event.latencyMilliseconds.max).toBeLessThan(1000);
    }
  });
});
