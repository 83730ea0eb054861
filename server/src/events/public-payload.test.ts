import "reflect-metadata";
import { v7 as uuidv7 } from "uuid";
import { describe, expect, it } from "vitest";
import { toGlobalId } from "../graphql/global-id";
import { publicEventData, storedId } from "./public-payload";

describe("event payloads: database IDs inside, global IDs outside", () => {
  const keyId = uuidv7();
  const userId = uuidv7();

  it("shows stored database IDs as global IDs and leaves out the creator, which only decides who may see the event", () => {
    expect(publicEventData({ keyId, mappedUserId: userId, createdById: userId, locationId: null, name: "Feed", daysLeft: 3 })).toEqual({
      keyId: toGlobalId("ApiKey", keyId),
      mappedUserId: toGlobalId("User", userId),
      locationId: null,
      name: "Feed",
      daysLeft: 3,
    });
  });

  it("reads payloads stored before, with global IDs, the same way: the public data is unchanged", () => {
    const old = { keyId: toGlobalId("ApiKey", keyId), endpointId: toGlobalId("WebhookEndpoint", userId), reason: "410 Gone" };
    expect(publicEventData(old)).toEqual(old);
    expect(storedId(old.keyId, "ApiKey")).toBe(keyId);
    expect(storedId(keyId, "ApiKey")).toBe(keyId);
  });

  it("finds no ID in a global ID of another type or in anything that is not an ID", () => {
    expect(storedId(toGlobalId("User", userId), "ApiKey")).toBeNull();
    expect(storedId("not an id", "ApiKey")).toBeNull();
    expect(storedId(null, "ApiKey")).toBeNull();
    expect(publicEventData({ keyId: "not an id" })).toEqual({ keyId: "not an id" });
  });
});
