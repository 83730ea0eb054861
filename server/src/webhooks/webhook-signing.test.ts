import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { newSigningSecret, signerFor } from "./webhook-signing";

describe("signerFor", () => {
  it("signs exactly as the standardwebhooks library does, one signature per secret", () => {
    const [current, previous] = [newSigningSecret(), newSigningSecret()];
    const timestamp = new Date("2026-12-03T10:00:00.987Z");
    const body = JSON.stringify({ type: "key.updated", data: { name: "clé ünïcode ✓" } });
    const signature = signerFor([current, previous])("msg_01a23b94", timestamp, body);
    expect(signature).toBe(
      [new Webhook(current).sign("msg_01a23b94", timestamp, body), new Webhook(previous).sign("msg_01a23b94", timestamp, body)].join(" "),
    );
    const headers = { "webhook-id": "msg_01a23b94", "webhook-timestamp": String(Math.floor(Date.now() / 1000)) };
    const now = new Date(Number(headers["webhook-timestamp"]) * 1000);
    const fresh = signerFor([previous])(headers["webhook-id"], now, body);
    expect(new Webhook(previous).verify(body, { ...headers, "webhook-signature": fresh })).toEqual(JSON.parse(body));
  });

  it("signs a body given as its UTF-8 bytes exactly as the same body given as text", () => {
    const secret = newSigningSecret();
    const timestamp = new Date("2026-12-03T10:00:00Z");
    const body = JSON.stringify({ type: "key.updated", data: { name: "clé ünïcode ✓" } });
    const sign = signerFor([secret]);
    expect(sign("msg_01a23b94", timestamp, Buffer.from(body))).toBe(new Webhook(secret).sign("msg_01a23b94", timestamp, body));
  });
});
