import { v7 as uuidv7 } from "uuid";
import { describe, expect, it } from "vitest";
import { uuidv7Floor } from "./event-bus";

describe("uuidv7Floor", () => {
  it("sorts before every UUIDv7 of its millisecond and after every one of the millisecond before", () => {
    const at = new Date("2026-12-02T21:00:00.123Z");
    for (let round = 0; round < 50; round++) {
      expect(uuidv7({ msecs: at.getTime() }) >= uuidv7Floor(at)).toBe(true);
      expect(uuidv7({ msecs: at.getTime() - 1 }) < uuidv7Floor(at)).toBe(true);
    }
  });
});
