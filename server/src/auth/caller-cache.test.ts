import { describe, expect, it } from "vitest";
import { CallerEventType, callerChangeOf } from "../events/events";
import { CallerCache } from "./caller-cache";
import { type CallerGrants, grantsFromTuples } from "./caller-grants";
import { Permission } from "./permission";

const HOUR = 3_600_000;
const session = (sessionId: string, userId: string) => ({ sessionId, userId, expiresAt: new Date(Date.now() + HOUR) });
const grants = (...tuples: Array<[string, string]>): CallerGrants =>
  grantsFromTuples(tuples.map(([organizationId, roleId]) => [organizationId, roleId, [Permission.ORG_READ]]));

function filled() {
  const cache = new CallerCache({ ttlMs: HOUR, maxEntries: 100 });
  const at = cache.generation;
  cache.rememberSession("hash-a1", session("a1", "alice"), at);
  cache.rememberSession("hash-a2", session("a2", "alice"), at);
  cache.rememberSession("hash-b1", session("b1", "bob"), at);
  cache.rememberGrants("alice", grants(["acme", "acme-admin"], ["globex", "globex-viewer"]), at);
  cache.rememberGrants("bob", grants(["acme", "acme-developer"]), at);
  return cache;
}

describe("CallerCache", () => {
  it("forgets exactly what each kind of caller event names", () => {
    const cache = filled();
    cache.forget({ kind: "session", id: "a1" });
    expect([cache.session("hash-a1"), cache.session("hash-a2")?.sessionId]).toEqual([undefined, "a2"]);

    cache.forget({ kind: "role", id: "acme-developer" });
    expect([cache.grantsOf("alice")?.complete, cache.grantsOf("bob")]).toEqual([true, undefined]);

    cache.forget({ kind: "organization", id: "globex" });
    expect(cache.grantsOf("alice")).toBeUndefined();
    expect(cache.session("hash-b1")?.userId).toBe("bob");

    cache.forget({ kind: "user", id: "bob" });
    expect(cache.session("hash-b1")).toBeUndefined();
    expect(cache.session("hash-a2")?.userId).toBe("alice");
  });

  it("does not store what a lookup read before an eviction, nor partial grants", () => {
    const cache = new CallerCache({ ttlMs: HOUR, maxEntries: 100 });
    const before = cache.generation;
    cache.forget({ kind: "user", id: "alice" });
    cache.rememberSession("hash-a1", session("a1", "alice"), before);
    cache.rememberGrants("alice", grants(["acme", "acme-admin"]), before);
    cache.rememberGrants("bob", { byOrganization: new Map(), complete: false }, cache.generation);
    expect([cache.session("hash-a1"), cache.grantsOf("alice"), cache.grantsOf("bob")]).toEqual([undefined, undefined, undefined]);
  });

  it("keeps at most `maxEntries` of each kind, dropping the least recently used, and nothing when the TTL is 0", () => {
    const small = new CallerCache({ ttlMs: HOUR, maxEntries: 2 });
    for (const user of ["a", "b", "c"]) small.rememberGrants(user, grants(), small.generation);
    expect(["a", "b", "c"].map((user) => small.grantsOf(user) !== undefined)).toEqual([false, true, true]);

    const off = new CallerCache({ ttlMs: 0, maxEntries: 2 });
    off.rememberSession("hash", session("s", "u"), off.generation);
    expect(off.session("hash")).toBeUndefined();
  });

  it("tells its followers what to forget, and null for everything", () => {
    const cache = filled();
    const heard: unknown[] = [];
    cache.onForget((change) => heard.push(change));
    cache.forget({ kind: "role", id: "r" });
    cache.clear();
    expect(heard).toEqual([{ kind: "role", id: "r" }, null]);
    expect(cache.session("hash-a2")).toBeUndefined();
  });
});

describe("callerChangeOf", () => {
  it("reads a caller event's subject by its type, and nothing from other events", () => {
    expect(callerChangeOf(CallerEventType.SESSION_ENDED, "s")).toEqual({ kind: "session", id: "s" });
    expect(callerChangeOf(CallerEventType.USER_CHANGED, "u")).toEqual({ kind: "user", id: "u" });
    expect(callerChangeOf(CallerEventType.ROLE_CHANGED, "r")).toEqual({ kind: "role", id: "r" });
    expect(callerChangeOf(CallerEventType.ORGANIZATION_DELETED, "o")).toEqual({ kind: "organization", id: "o" });
    expect(callerChangeOf("member.removed", "m")).toBeNull();
    expect(callerChangeOf(CallerEventType.USER_CHANGED, null)).toBeNull();
  });
});
