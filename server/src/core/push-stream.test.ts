import { describe, expect, it } from "vitest";
import { PushStream, SKIP } from "./push-stream";

/** A promise with its resolve function, to settle a stage's work when the test says so. */
function deferred<T>() {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((settle) => (resolve = settle));
  return { promise, resolve };
}

describe("PushStream", () => {
  it("hands a pushed value to a waiting consumer through every stage, dropping what a stage skips", async () => {
    const stream = new PushStream<number>().pipe((n) => (n % 2 ? SKIP : n * 10)).pipe((n) => `#${n}`);
    const waiting = stream.next();
    stream.push(1);
    stream.push(2);
    stream.push(4);
    expect(await waiting).toEqual({ value: "#20", done: false });
    expect(await stream.next()).toEqual({ value: "#40", done: false });
  });

  it("keeps the order of pushes while a stage waits on a promise", async () => {
    const slow = deferred<number>();
    const stream = new PushStream<number>().pipe((n) => (n === 1 ? slow.promise : n));
    stream.push(1);
    stream.push(2);
    stream.push(3);
    const first = stream.next();
    slow.resolve(100);
    expect(await first).toEqual({ value: 100, done: false });
    expect(await stream.next()).toEqual({ value: 2, done: false });
    expect(await stream.next()).toEqual({ value: 3, done: false });
  });

  it("runs a stage added later over the values not taken yet", async () => {
    const stream = new PushStream<number>();
    stream.push(1);
    stream.push(2);
    const doubled = stream.pipe((n) => n * 2);
    expect(await doubled.next()).toEqual({ value: 2, done: false });
    expect(await doubled.next()).toEqual({ value: 4, done: false });
  });

  it("ends at once on return(), even while the consumer waits, and closes once", async () => {
    let closed = 0;
    const stream = new PushStream<number>(() => closed++);
    const waiting = stream.next();
    await stream.return();
    await stream.return();
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(closed).toBe(1);
    stream.push(1);
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });

  it("drops what was not taken when a stage fails: the failure comes next, then the end", async () => {
    let closed = false;
    const stream = new PushStream<number>(() => (closed = true)).pipe((n) => {
      if (n === 3) throw new Error("stage failed");
      return n;
    });
    for (const n of [1, 2, 3, 4]) stream.push(n);
    expect(closed).toBe(true);
    await expect(stream.next()).rejects.toThrow("stage failed");
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });

  it("keeps the order when a stage is added while a value waits on a promise", async () => {
    const slow = deferred<number>();
    const stream = new PushStream<number>().pipe((n) => (n === 2 ? slow.promise : n));
    stream.push(1);
    stream.push(2);
    stream.push(3);
    const tagged = stream.pipe((n) => `#${n}`);
    slow.resolve(2);
    const taken = [];
    for (let index = 0; index < 3; index++) taken.push((await tagged.next()).value);
    expect(taken).toEqual(["#1", "#2", "#3"]);
  });

  it("queues a value pushed from inside a stage behind the one being taken through", async () => {
    const stream: PushStream<number> = new PushStream<number>().pipe((n) => {
      if (n === 1) stream.push(2);
      return n;
    });
    stream.push(1);
    expect([(await stream.next()).value, (await stream.next()).value]).toEqual([1, 2]);
  });

  it("holds a value that is past a stage's promise until a later hold settles", async () => {
    const slow = deferred<number>();
    const gate = deferred<void>();
    const seen: number[] = [];
    const stream = new PushStream<number>().pipe(() => slow.promise);
    stream.push(1);
    const gated = stream.holdUntil(gate.promise).pipe((n) => {
      seen.push(n);
      return n;
    });
    const first = gated.next();
    slow.resolve(10);
    await slow.promise;
    expect(seen).toEqual([]);
    gate.resolve();
    expect(await first).toEqual({ value: 10, done: false });
  });

  it("rejects a waiting consumer when a stage's promise rejects", async () => {
    const stream = new PushStream<number>().pipe(() => Promise.reject(new Error("async stage failed")));
    const waiting = stream.next();
    stream.push(1);
    await expect(waiting).rejects.toThrow("async stage failed");
  });
});
