import { describe, expect, it } from "vitest";
import { deferred } from "../../../test/support/deferred";
import { DeliveryWaves } from "./delivery-waves";

/**
 * A queue whose waves wait until the test lets each one finish, recording what each held;
 * `started(n)` resolves once n waves have started.
 */
function heldWaves(options: { waveSize: number; parallelWaves: number }) {
  const waves: Array<{ items: number[]; finish: () => void; fail: (error: Error) => void }> = [];
  const waiting: Array<{ count: number; resolve: () => void }> = [];
  const started = (count: number) => {
    const reached = deferred();
    waiting.push({ count, resolve: reached.resolve });
    if (waves.length >= count) reached.resolve();
    return reached.promise;
  };
  const queue = new DeliveryWaves<number>({
    ...options,
    run: (items) => {
      const done = deferred<Error | null>();
      waves.push({ items, finish: () => done.resolve(null), fail: (error) => done.resolve(error) });
      for (const waiter of waiting) if (waves.length >= waiter.count) waiter.resolve();
      return done.promise.then((error) => {
        if (error) throw error;
      });
    },
  });
  return { queue, waves, started };
}

describe("delivery waves", () => {
  it("puts what concurrent callers add while the waves are full into one shared wave, never more waves at once than allowed", async () => {
    const { queue, waves, started } = heldWaves({ waveSize: 4, parallelWaves: 1 });
    const first = queue.add([1]);
    const second = queue.add([2, 3]);
    const third = queue.add([4, 5, 6]);
    expect(waves.map((wave) => wave.items)).toEqual([[1]]);
    waves[0]?.finish();
    await first;
    await started(2);
    expect(waves.map((wave) => wave.items)).toEqual([[1], [2, 3, 4, 5]]);
    waves[1]?.finish();
    await second;
    await started(3);
    expect(waves.map((wave) => wave.items)).toEqual([[1], [2, 3, 4, 5], [6]]);
    expect(queue.backlog).toBe(0);
    waves[2]?.finish();
    await third;
  });

  it("settles a caller only once every item it added was handled, across waves", async () => {
    const { queue, waves } = heldWaves({ waveSize: 2, parallelWaves: 2 });
    let settled = false;
    const added = queue.add([1, 2, 3]).then(() => {
      settled = true;
    });
    expect(waves.map((wave) => wave.items)).toEqual([[1, 2], [3]]);
    waves[1]?.finish();
    await Promise.resolve();
    expect(settled).toBe(false);
    waves[0]?.finish();
    await added;
    expect(settled).toBe(true);
  });

  it("fails every caller with an item in a failed wave, and goes on with the others", async () => {
    const { queue, waves, started } = heldWaves({ waveSize: 1, parallelWaves: 1 });
    const first = queue.add([1]);
    const second = queue.add([2]);
    waves[0]?.fail(new Error("database gone"));
    await expect(first).rejects.toThrow("database gone");
    await started(2);
    expect(waves[1]?.items).toEqual([2]);
    waves[1]?.finish();
    await expect(second).resolves.toBeUndefined();
  });

  it("fails a caller whose wave failed only once its other items were handled too", async () => {
    const { queue, waves, started } = heldWaves({ waveSize: 1, parallelWaves: 1 });
    let outcome = "pending";
    const added = queue.add([1, 2]).then(
      () => {
        outcome = "resolved";
      },
      (error: Error) => {
        outcome = error.message;
      },
    );
    waves[0]?.fail(new Error("database gone"));
    await started(2);
    expect(outcome).toBe("pending");
    waves[1]?.finish();
    await added;
    expect(outcome).toBe("database gone");
  });

  it("answers an empty call at once", async () => {
    const { queue, waves } = heldWaves({ waveSize: 2, parallelWaves: 1 });
    await expect(queue.add([])).resolves.toBeUndefined();
    expect(waves).toEqual([]);
  });
});
