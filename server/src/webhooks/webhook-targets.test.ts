import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { PUBLIC_LOOKING_ADDRESS, PUBLIC_LOOKING_HOST, resolveFrom, watchConnectionAttempts } from "../../../test/support/egress";
import { ConfigError, loadConfig, type WebhookConfig } from "../config";
import { failureMessage, sendWebhook } from "./webhook-sender";
import { NOT_PUBLIC, TARGET_REFUSED, WebhookTargets } from "./webhook-targets";

const PRIVATE = NOT_PUBLIC;

function allowedTargets(value: string): string[] {
  return loadConfig({ WEBHOOK_ALLOWED_TARGETS: value }, { dotenv: false }).webhooks.allowedTargets;
}

/** Whether the delivery connector refuses to open a connection to `address` (it decides synchronously). */
function agentRefuses(targets: WebhookTargets, protocol: "http:" | "https:", address: string): boolean {
  let refused = false;
  // undici's connector returns the socket it opens, though its type says nothing.
  const connect = targets.connect as unknown as (options: object, callback: (error: Error | null) => void) => Duplex | undefined;
  const socket = connect({ hostname: address, host: address, protocol, port: "9", servername: "example.com" }, (error) => {
    if (error) refused = true;
  });
  socket?.on("error", () => {});
  socket?.destroy();
  return refused;
}

const targetsToClose: WebhookTargets[] = [];
function webhookTargets(allowed: string[], options: Partial<Pick<WebhookConfig, "egress" | "resolve">> = {}): WebhookTargets {
  const targets = new WebhookTargets({ allowedTargets: allowed, ...options });
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
    expect(() => new WebhookTargets({ allowedTargets: ["127.0.0.1"] })).toThrow("not a canonical CIDR range");
    expect(() => new WebhookTargets({ allowedTargets: ["10.1.2.3/8"] })).toThrow("not a canonical CIDR range");
    expect(() => new WebhookTargets({ allowedTargets: ["0:0:0:0:0:0:0:1/128"] })).toThrow("not a canonical CIDR range");
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

describe("WEBHOOK_EGRESS", () => {
  it("is public unless set to loopback or none, and refuses anything else", () => {
    expect(loadConfig({}, { dotenv: false }).webhooks.egress).toBe("public");
    expect(loadConfig({ WEBHOOK_EGRESS: "loopback" }, { dotenv: false }).webhooks.egress).toBe("loopback");
    expect(loadConfig({ WEBHOOK_EGRESS: "none" }, { dotenv: false }).webhooks.egress).toBe("none");
    expect(() => loadConfig({ WEBHOOK_EGRESS: "everywhere" }, { dotenv: false })).toThrow(ConfigError);
    expect(() => loadConfig({ WEBHOOK_EGRESS: "everywhere" }, { dotenv: false })).toThrow("WEBHOOK_EGRESS");
  });
});

describe("WebhookTargets, on what URLs and addresses mean", () => {
  const resolve = resolveFrom({
    [PUBLIC_LOOKING_HOST]: PUBLIC_LOOKING_ADDRESS,
    "compat.latchkey.test": "::7f00:1",
    "wire.latchkey.test": "168.63.129.16",
    "sixtofour.latchkey.test": "2002:a01:203::1",
  });

  it("refuses every IPv6 address that embeds a non-public IPv4 address, in each embedding", async () => {
    const targets = webhookTargets([], { resolve });
    for (const url of [
      "http://[::127.0.0.1]/",
      "http://[::7f00:1]/",
      "http://[::a01:203]/",
      "http://[::ffff:0:7f00:1]/",
      "http://[64:ff9b::7f00:1]/",
      "http://[64:ff9b:1::a01:203]/",
      "http://[2002:7f00:1::]/",
      "http://[2002:a9fe:a9fe::1]/",
      "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",
      "http://compat.latchkey.test/",
      "http://sixtofour.latchkey.test/",
    ]) {
      expect(await targets.refusal(url), url).toBe(NOT_PUBLIC);
    }
  });

  it("refuses an IPv6 address that embeds a public IPv4 address, asking for the IPv4 address", async () => {
    const targets = webhookTargets([]);
    for (const url of ["http://[::5db8:d70e]/", "http://[64:ff9b::5db8:d70e]/", "http://[2002:5db8:d70e::1]/"]) {
      expect(await targets.refusal(url), url).toBe("embeds an IPv4 address in an IPv6 address; use the IPv4 address (93.184.215.14)");
    }
  });

  it("refuses cloud platform addresses that look public: Azure's wire server", async () => {
    const targets = webhookTargets([], { resolve });
    expect(await targets.refusal("http://168.63.129.16/")).toBe(NOT_PUBLIC);
    expect(await targets.refusal("http://wire.latchkey.test/")).toBe(NOT_PUBLIC);
    expect(targets.allows("168.63.129.16")).toBe(false);
  });

  it("refuses what a reader would take for another host than WHATWG URL parsing does", async () => {
    const targets = webhookTargets([], { resolve });
    const host = PUBLIC_LOOKING_HOST;
    expect(await targets.refusal(`http://${host}/hook`)).toBeNull();
    const refused = {
      [`http://${host}#@127.0.0.1/`]: "must not contain a fragment (#…)",
      [`http://${host}/hook#`]: "must not contain a fragment (#…)",
      [`http://${host}\\@127.0.0.1/`]: "must not contain a backslash",
      [`http://${host}/\\hook`]: "must not contain a backslash",
      [`http://@${host}/`]: "must not contain a user name or password",
      [`http://:@${host}/`]: "must not contain a user name or password",
      "http://hooks.latch\tkey.test/": "must not contain spaces or control characters",
      [`http://${host}/a b`]: "must not contain spaces or control characters",
      [`http://${host}/\n`]: "must not contain spaces or control characters",
      [`http://${host}/\u0000`]: "must not contain spaces or control characters",
      [` http://${host}/`]: "must not contain spaces or control characters",
    };
    for (const [url, message] of Object.entries(refused)) expect(await targets.refusal(url), JSON.stringify(url)).toBe(message);
  });

  it("gives the URL as WHATWG URL normalises it, which is what is stored and delivered to", async () => {
    const targets = webhookTargets([], { resolve });
    expect(await targets.check("HTTP://Hooks.Latchkey.TEST:80/a/../b?x=1")).toEqual({
      url: "http://hooks.latchkey.test/b?x=1",
      refusal: null,
    });
    expect(await targets.check("https://hooks.latchkey.test")).toEqual({ url: "https://hooks.latchkey.test/", refusal: null });
    expect(await targets.check("https://hooks.latchkey.test/@team?to=a@b")).toEqual({
      url: "https://hooks.latchkey.test/@team?to=a@b",
      refusal: null,
    });
    expect(await targets.check("http://127.1/")).toEqual({ url: null, refusal: NOT_PUBLIC });
  });

  it("refuses the same addresses at connect time, whether the URL names them or a name resolves to them", () => {
    for (const targets of [webhookTargets([]), webhookTargets(allowedTargets("127.0.0.0/8"))]) {
      for (const address of ["::7f00:1", "::127.0.0.1", "::5db8:d70e", "168.63.129.16", "2002:7f00:1::", "64:ff9b::7f00:1"]) {
        expect(targets.allows(address), address).toBe(false);
        expect(agentRefuses(targets, "http:", address), address).toBe(true);
        expect(agentRefuses(targets, "https:", address), `${address} (https)`).toBe(true);
      }
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

  it("refuses embedded IPv4 loopback at connect time, by address or by name, even where 127.0.0.0/8 is allowed", async () => {
    const targets = webhookTargets(allowedTargets("127.0.0.0/8"), { resolve: resolveFrom({ "compat.latchkey.test": "::7f00:1" }) });
    held = 0;
    for (const url of [`http://[::7f00:1]:${port}/`, `http://[::127.0.0.1]:${port}/`, `http://compat.latchkey.test:${port}/`]) {
      expect(await send(targets, url), url).toMatchObject({ status: null, error: TARGET_REFUSED });
    }
    expect(held).toBe(0);
  });

  it("with WEBHOOK_EGRESS=loopback, refuses a public address before any connection is attempted, and still reaches loopback", async () => {
    const resolve = resolveFrom({
      [PUBLIC_LOOKING_HOST]: PUBLIC_LOOKING_ADDRESS,
      "mixed.latchkey.test": ["127.0.0.1", PUBLIC_LOOKING_ADDRESS],
    });
    const targets = webhookTargets(allowedTargets("127.0.0.1"), { egress: "loopback", resolve });
    // The URL passes the save-time check: only the egress setting stands between it and the network.
    expect(await targets.refusal(`http://${PUBLIC_LOOKING_HOST}:${port}/`)).toBeNull();
    const refused = "egress refused: this server delivers webhooks to loopback addresses only (WEBHOOK_EGRESS=loopback)";
    const attempts = watchConnectionAttempts();
    try {
      held = 0;
      for (const url of [
        `http://${PUBLIC_LOOKING_HOST}:${port}/`,
        `https://${PUBLIC_LOOKING_HOST}:${port}/`,
        `http://[${PUBLIC_LOOKING_ADDRESS}]:${port}/`,
        `https://[${PUBLIC_LOOKING_ADDRESS}]:${port}/`,
        `http://mixed.latchkey.test:${port}/`,
      ]) {
        expect(await send(targets, url), url).toMatchObject({ status: null, error: refused });
      }
      expect(held).toBe(0);
      expect(await send(targets, `http://127.0.0.1:${port}/`)).toMatchObject({ status: 204, error: null });
      expect(attempts.addresses).toEqual(["127.0.0.1"]);
    } finally {
      attempts.stop();
    }
  });

  it("with WEBHOOK_EGRESS=none, connects nowhere, allowed loopback included", async () => {
    const targets = webhookTargets(allowedTargets("127.0.0.1"), { egress: "none" });
    held = 0;
    expect(await send(targets, `http://127.0.0.1:${port}/`)).toMatchObject({
      status: null,
      error: "egress refused: this server delivers no webhooks (WEBHOOK_EGRESS=none)",
    });
    expect(held).toBe(0);
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
    // With a cap of 100 sockets or fewer, the second hundred would wait a round of 1 s and pass their
    // 1.8 s deadline unsent. Without one, every delivery has 0.8 s to spare for connecting, which a
    // loaded CI machine needs for 200 connections at once.
    const results = await Promise.all(Array.from({ length: 200 }, () => send(targets, `http://127.0.0.1:${port}/?delay=1000`, 1_800)));
    expect(results.filter((result) => result.status !== 204).map((result) => result.error)).toEqual([]);
  });

  it("gives its own deadline", async () => {
    const result = await send(webhookTargets(allowedTargets("127.0.0.1")), `http://127.0.0.1:${port}/?delay=1000`, 200);
    expect(result).toMatchObject({ status: null, error: "no response within 0.2 s" });
  });
});
