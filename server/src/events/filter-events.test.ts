import { describe, expect, it } from "vitest";
import { PushStream } from "../core/push-stream";
import { filterEvents } from "./filter-events";

/** A stream that records whether it was closed. */
function trackedStream() {
  const state = { closed: false };
  const stream = new PushStream<number>(() => {
    state.closed = true;
  });
  return { stream, state };
}

async function take(stream: AsyncIterator<number>, count: number) {
  const taken: number[] = [];
  for (let index = 0; index < count; index++) taken.push((await stream.next()).value);
  return taken;
}

describe("filterEvents", () => {
  it("lets through what is accepted, synchronously or not, in the order pushed", async () => {
    const { stream } = trackedStream();
    const filtered = filterEvents(stream, (n) => (n % 2 ? n > 1 : Promise.resolve(true)));
    for (const n of [1, 2, 3, 4, 5]) stream.push(n);
    expect(await take(filtered, 4)).toEqual([2, 3, 4, 5]);
  });

  it("holds events back until a pending check passes, then judges them by it", async () => {
    const { stream } = trackedStream();
    let pass: (accept: (n: number) => boolean) => void = () => undefined;
    const filtered = filterEvents(stream, new Promise<(n: number) => boolean>((resolve) => (pass = resolve)));
    stream.push(1);
    stream.push(2);
    const first = filtered.next();
    pass((n) => n > 1);
    stream.push(3);
    expect(await first).toEqual({ value: 2, done: false });
    expect(await filtered.next()).toEqual({ value: 3, done: false });
  });

  it("ends with the error of a check that failed, before any event comes, and closes the stream", async () => {
    const { stream, state } = trackedStream();
    const filtered = filterEvents(stream, Promise.reject(new Error("Organization not found.")));
    await expect(filtered.next()).rejects.toThrow("Organization not found.");
    expect(state.closed).toBe(true);
    expect(await filtered.next()).toEqual({ value: undefined, done: true });
  });

  it("ends with the error a check throws for an event, dropping what it had let through but nobody took", async () => {
    const { stream, state } = trackedStream();
    const filtered = filterEvents(stream, (n) => {
      if (n === 2) throw new Error("The credential this subscription was opened with is no longer valid.");
      return true;
    });
    stream.push(1);
    stream.push(2);
    stream.push(3);
    await expect(filtered.next()).rejects.toThrow("no longer valid");
    expect(await filtered.next()).toEqual({ value: undefined, done: true });
    expect(state.closed).toBe(true);
  });
});
