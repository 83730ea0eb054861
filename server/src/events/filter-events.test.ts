import { describe, expect, it } from "vitest";
import { filterEvents } from "./filter-events";

/** A source that never yields until told, and records whether it was returned. */
function waitingSource() {
  const state = { returned: false };
  const source: AsyncIterableIterator<number> = {
    next: () => new Promise<IteratorResult<number>>(() => undefined),
    return: async () => {
      state.returned = true;
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return source;
    },
  };
  return { source, state };
}

async function* numbers(...values: number[]) {
  yield* values;
}

describe("filterEvents", () => {
  it("lets through what is accepted, synchronously or not", async () => {
    const kept: number[] = [];
    for await (const value of filterEvents(numbers(1, 2, 3, 4), (n) => (n % 2 ? n > 1 : Promise.resolve(true)))) kept.push(value);
    expect(kept).toEqual([2, 3, 4]);
  });

  it("returns the source at once, even while it waits for an event", async () => {
    const { source, state } = waitingSource();
    const filtered = filterEvents(source, () => true);
    void filtered.next();
    await filtered.return?.();
    expect(state.returned).toBe(true);
  });

  it("ends with the error of a check that failed, and returns the source", async () => {
    const { source, state } = waitingSource();
    const filtered = filterEvents(source, Promise.reject(new Error("Organization not found.")));
    await expect(filtered.next()).rejects.toThrow("Organization not found.");
    expect(state.returned).toBe(true);
  });
});
