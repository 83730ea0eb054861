import { validate, version } from "uuid";
import { describe, expect, it } from "vitest";
import { messageIdOf } from "./webhook-messages";

const EVENT = "0194f0e2-5a10-7c3e-9b1f-6d2a4c8e0f11";
const ENDPOINT = "0194f0e2-6b20-7d4f-8c2e-7e3b5d9f1a22";
const AT = new Date("2026-12-03T17:00:00.123Z");

describe("messageIdOf", () => {
  it("is the same for the same event and endpoint, so a message sent again keeps its webhook-id", () => {
    expect(messageIdOf(EVENT, ENDPOINT, AT)).toBe(messageIdOf(EVENT, ENDPOINT, new Date(AT)));
  });

  it("differs between the endpoints of one event and the events of one endpoint", () => {
    const ids = new Set([
      messageIdOf(EVENT, ENDPOINT, AT),
      messageIdOf(EVENT, "0194f0e2-6b20-7d4f-8c2e-7e3b5d9f1a23", AT),
      messageIdOf("0194f0e2-5a10-7c3e-9b1f-6d2a4c8e0f12", ENDPOINT, AT),
    ]);
    expect(ids.size).toBe(3);
  });

  it("is a valid UUIDv7 of the event's time, so the message log sorts by it", () => {
    const id = messageIdOf(EVENT, ENDPOINT, AT);
    expect(validate(id)).toBe(true);
    expect(version(id)).toBe(7);
    expect(Number.parseInt(id.replace(/-/g, "").slice(0, 12), 16)).toBe(AT.getTime());
    expect(messageIdOf(EVENT, ENDPOINT, new Date(AT.getTime() + 1)) > id).toBe(true);
  });
});
