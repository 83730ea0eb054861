import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ConfigError, loadConfig } from "../config";
import { failureMessage, sendWebhook } from "./webhook-sender";
import { NOT_PUBLIC, TARGET_REFUSED, WebhookTargets } from "./webhook-targets";

const PRIVATE = NOT_PUBLIC;

function allowedTargets(value: string): string[] {
  return loadConfig({ WEBHOOK_ALLOWED_TARGETS: value }, { dotenv: false }).webhooks.allowedTargets;
}

/** Whether the delivery agent refuses to open a connection to `address` (it decides synchronously). */
function agentRefuses(targets: WebhookTargets, protocol: "http:" | "https:", address: string): boolean {
  let refused = false;
  const agent = targets.agentFor(new URL(`${protocol}//example.com/`)) as unknown as {
    createConnection(options: object, callback: (error: Error | null) => void): Duplex;
  };
  const socket = agent.createConnection({ host: address, port: 9, servername: "example.com" }, (error) => {
    if (error) refused = true;
  });
  socket.on("error", () => {});
  socket.destroy();
  return refused;
}

const targetsToClose: WebhookTargets[] = [];
function webhookTargets(allowed: string[]): WebhookTargets {
  const targets = new WebhookTargets(allowed);
  targetsToClose.push(targets);
  return targets;
}
afterEach(() => {
  for (const targets of targetsToClose.splice(0)) targets.close();
});

describe("WEBHOOK_ALLOWED_TARGETS", () => {
  it("is read into canonical CIDR ranges, once", () => {
    expect(allowedTargets("127.0.0.1, 0:0:0:0:0:0:0:1,10.1.2.3/8, FE80::1/64,::ffff:127.0.0.1, 127.0.0.1/32")).toEqual([
      "127.0.0.1/32",
      "::1/128",
      "10.0.0.0/8",
      "fe80::/64",
      "::ffff:7f00:1/128",
    ]);
    expect(allowedTargets("")).toEqual([]);
    expect(loadConfig({}, { dotenv: false }).webhooks.allowedTargets).toEqual([]);
  });

  it("refuses what is not a dotted-quad IPv4 address, an IPv6 address or a CIDR range, naming each entry", () => {
    for (const entry of [
      "127.1",
      "2130706433",
      "0x7f.0.0.1",
      "1.2.3.04",
      "127.1/8",
      "127.0.0.1/33",
      "::1/129",
      "10.0.0.0/+8",
      "10.0.0.0/8/8",
      "fe80::1%eth0",
      "::ffff:127.1",
      "localhost",
      "",
    ]) {
      expect(() => allowedTargets(`::1,${entry}`), entry).toThrow(ConfigError);
      expect(() => allowedTargets(`::1,${entry}`), entry).toThrow(`"${entry}" is not a dotted-quad IPv4 address`);
    }
  });

  it("is what WebhookTargets takes: it refuses a list that was not read by the configuration", () => {
    expect(() => new WebhookTargets(["127.0.0.1"])).toThrow("not a canonical CIDR range");
    expect(() => new WebhookTargets(["10.1.2.3/8"])).toThrow("not a canonical CIDR range");
    expect(() => new WebhookTargets(["0:0:0:0:0:0:0:1/128"])).toThrow("not a canonical CIDR range");
  });
});

describe("WebhookTargets", () => {
  it("refuses non-public targets when an endpoint is saved, without saying what a name resolves to", async () => {
    const targets = webhookTargets([]);
    expect(await targets.refusal("https://93.184.215.14/hook")).toBeNull();
    expect(await targets.refusal("http://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/hook")).toBeNull();
    for (const url of [
      "http://127.0.0.1/",
      "http://127.1/",
      "http://2130706433/",
      "http://0x7f.0.0.1/",
      "http://localhost/",
      "http://10.1.2.3/",
      "http://169.254.169.254/",
      "http://[::1]/",
      "http://[0:0:0:0:0:0:0:1]/",
      "http://0.0.0.0/",
      "http://[fe80::1]/",
      "http://[64:ff9b::a01:203]/",
    ]) {
      expect(await targets.refusal(url), url).toBe(PRIVATE);
    }
    expect(await targets.refusal("ftp://example.com/")).toBe("must be an http:// or https:// URL");
    expect(await targets.refusal("http://latchkey-test.invalid/")).toBe(NOT_PUBLIC);
  });

  it("refuses IPv4-mapped IPv6 literals, which delivery could never reach, asking for the IPv4 address", async () => {
    for (const targets of [webhookTargets([]), webhookTargets(allowedTargets("0.0.0.0/0,::/0"))]) {
      expect(await targets.refusal("http://[::ffff:93.184.215.14]/hook")).toBe(
        "is an IPv4-mapped IPv6 address; use the IPv4 address (93.184.215.14)",
      );
      expect(await targets.refusal("http://[::ffff:7f00:1]/hook")).toBe("is an IPv4-mapped IPv6 address; use the IPv4 address (127.0.0.1)");
    }
  });

  it("allows what the configuration allows, by name too", async () => {
    const targets = webhookTargets(allowedTargets("127.0.0.0/8,::1"));
    expect(await targets.refusal("http://127.0.0.1:9/hook")).toBeNull();
    expect(await targets.refusal("http://127.1:9/hook")).toBeNull();
    expect(await targets.refusal("http://localhost:9/hook")).toBeNull();
    expect(await targets.refusal("http://[::1]:9/hook")).toBeNull();
    expect(await targets.refusal("http://10.1.2.3/hook")).toBe(PRIVATE);
  });

  it("decides every address as the delivery agent does, IPv4-mapped IPv6 included", () => {
    // The agent warns when it matches an address against a range of the other IP version.
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const addresses = [
        "127.0.0.1",
        "127.9.9.9",
        "::1",
        "::ffff:127.0.0.1",
        "::ffff:7f00:1",
        "::ffff:10.1.2.3",
        "::ffff:93.184.215.14",
        "10.1.2.3",
        "10.200.0.1",
        "192.168.0.1",
        "169.254.169.254",
        "0.0.0.0",
        "::",
        "fe80::1",
        "fd00::1",
        "64:ff9b::a01:203",
        "93.184.215.14",
        "2606:2800:21f:cb07:6820:80da:af6b:8b2c",
      ];
      for (const list of ["", "127.0.0.1", "127.0.0.0/8,::1", "10.0.0.0/8,fd00::/8", "::ffff:127.0.0.1", "::ffff:0:0/96,127.0.0.1"]) {
        const targets = webhookTargets(allowedTargets(list));
        for (const address of addresses) {
          const allowed = targets.allows(address);
          expect(agentRefuses(targets, "http:", address), `${address} with "${list}"`).toBe(!allowed);
          expect(agentRefuses(targets, "https:", address), `${address} with "${list}" (https)`).toBe(!allowed);
        }
      }
      const local = webhookTargets(allowedTargets("127.0.0.0/8"));
      expect([local.allows("127.0.0.1"), local.allows("::ffff:127.0.0.1"), local.allows("10.1.2.3")]).toEqual([true, false, false]);
    } finally {
      warn.mockRestore();
    }
  });
});

describe("sendWebhook", () => {
  let receiver: http.Server;
  let port: number;
  let held = 0;
  beforeAll(async () => {
    receiver = http.createServer((request, response) => {
      request.resume();
      const delay = Number(new URL(request.url ?? "/", "http://x").searchParams.get("delay") ?? 0);
      held++;
      setTimeout(() => response.writeHead(204).end(), delay);
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    port = (receiver.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  const send = (targets: WebhookTargets, url: string, timeoutMs = 2_000) => sendWebhook(targets, url, {}, "{}", timeoutMs);

  it("refuses at connect time with the generic error, whether the URL names an address or a host", async () => {
    const strict = webhookTargets([]);
    held = 0;
    for (const url of [`http://127.0.0.1:${port}/`, `http://localhost:${port}/`, `https://localhost:${port}/`]) {
      expect(await send(strict, url), url).toMatchObject({ status: null, error: TARGET_REFUSED });
    }
    expect(held).toBe(0);
    expect(await send(webhookTargets(allowedTargets("127.0.0.1")), `http://localhost:${port}/`)).toMatchObject({
      status: 204,
      error: null,
    });
  });

  it("keeps network errors to their code, never the address connected to", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await send(webhookTargets(allowedTargets("127.0.0.1")), `http://localhost:${closedPort}/`);
    expect(result).toMatchObject({ status: null, error: "connection refused (ECONNREFUSED)" });

    expect(failureMessage(Object.assign(new Error("connect ECONNREFUSED 10.1.2.3:80"), { code: "ECONNREFUSED" }))).toBe(
      "connection refused (ECONNREFUSED)",
    );
    expect(failureMessage(Object.assign(new Error("connect EHOSTDOWN 10.1.2.3:80"), { code: "EHOSTDOWN" }))).toBe(
      "network error (EHOSTDOWN)",
    );
    expect(
      failureMessage(new Error("DNS lookup 10.1.2.3(family:4, host:db.internal) is not allowed. Because, It is private IP address.")),
    ).toBe(TARGET_REFUSED);
    expect(failureMessage(new Error("something at 10.1.2.3"))).toBe("could not be sent (Error)");
  });

  it("sends hundreds of deliveries at once without queueing them behind a socket cap until they time out", async () => {
    const targets = webhookTargets(allowedTargets("127.0.0.1"));
    // With 50 sockets, the third 50 would wait two rounds of 600 ms and pass their 1 s deadline unsent.
    const results = await Promise.all(Array.from({ length: 200 }, () => send(targets, `http://127.0.0.1:${port}/?delay=600`, 1_000)));
    expect(results.filter((result) => result.status !== 204).map((result) => result.error)).toEqual([]);
  });

  it("gives its own deadline", async () => {
    const result = await send(webhookTargets(allowedTargets("127.0.0.1")), `http://127.0.0.1:${port}/?delay=1000`, 200);
    expect(result).toMatchObject({ status: null, error: "no response within 0.2 s" });
  });
});
