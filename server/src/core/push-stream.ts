/** What a stage answers for a value it drops. */
export const SKIP: unique symbol = Symbol("skip");

/**
 * One step of a stream's pipeline: the value to pass on, SKIP to drop it, or a promise of either.
 * A stage that throws or rejects ends the stream with that error.
 */
export type Stage<In, Out> = (value: In) => Out | typeof SKIP | Promise<Out | typeof SKIP>;

type Waiting<T> = { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void };

/**
 * An async iterator fed by pushes, whose filters and mappings run as each value is pushed, before the
 * consumer asks for it: in the same turn when they are synchronous, so a value goes from `push` to a
 * waiting consumer with one promise, however many stages it passes. A chain of async iterators, each
 * wrapping the one before, would cost a promise and a turn of the microtask queue per layer; with one
 * event fanned out to 20,000 subscriptions, that was most of what an instance spent besides its sockets.
 *
 * Values come out in the order they were pushed: while a stage waits on a promise, later values wait
 * behind it. `return()` ends the stream at once, even while the consumer waits, and calls `onClose`.
 */
export class PushStream<T> implements AsyncIterableIterator<T> {
  private readonly stages: Stage<unknown, unknown>[] = [];
  /** Values through every stage that the consumer has not taken yet. */
  private readonly ready: T[] = [];
  /** Values waiting for a pending stage or hold to settle, in order, with the stage each goes on from. */
  private readonly held: { value: unknown; from: number }[] = [];
  private busy = false;
  private holds = 0;
  private waiting: Waiting<T> | null = null;
  private failure: { error: unknown } | null = null;
  private ended = false;
  private closed = false;

  constructor(private readonly onClose: () => void = () => undefined) {}

  /**
   * The stream with `stage` added to its pipeline: every value not yet taken goes through it. It is
   * the same stream: whoever pipes it takes it over, and only the result should be read.
   */
  pipe<U>(stage: Stage<T, U>): PushStream<U> {
    const index = this.stages.push(stage as Stage<unknown, unknown>) - 1;
    if (this.ready.length) {
      this.held.unshift(...this.ready.map((value) => ({ value, from: index })));
      this.ready.length = 0;
      this.drain();
    }
    return this as unknown as PushStream<U>;
  }

  /**
   * Holds every value back until `gate` settles (a subscription's checks, say). If it rejects, the
   * stream ends with its error at once, whether or not a value came meanwhile.
   */
  holdUntil(gate: Promise<unknown>): this {
    this.holds++;
    gate.then(
      () => {
        this.holds--;
        this.drain();
      },
      (error) => this.fail(error),
    );
    return this;
  }

  push(value: unknown): void {
    if (this.ended) return;
    if (this.busy || this.holds || this.held.length) this.held.push({ value, from: 0 });
    else this.run(value, 0);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.ready.length) return Promise.resolve({ value: this.ready.shift() as T, done: false });
    if (this.failure) {
      const { error } = this.failure;
      this.failure = null;
      return Promise.reject(error);
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.end();
    this.ready.length = 0;
    this.failure = null;
    this.waiting?.resolve({ value: undefined, done: true });
    this.waiting = null;
    return Promise.resolve({ value: undefined, done: true });
  }

  async throw(error: unknown): Promise<IteratorResult<T>> {
    await this.return();
    throw error;
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  /** Takes `value` through the stages from `from` on, and hands it over if none drops it. */
  private run(value: unknown, from: number): void {
    const { stages } = this;
    for (let index = from; index < stages.length; index++) {
      let out: unknown;
      try {
        out = (stages[index] as Stage<unknown, unknown>)(value);
      } catch (error) {
        this.fail(error);
        return;
      }
      if (out === SKIP) return;
      if (out instanceof Promise) {
        this.busy = true;
        out.then(
          (settled) => {
            this.busy = false;
            if (this.ended) return;
            if (settled !== SKIP) this.run(settled, index + 1);
            this.drain();
          },
          (error) => this.fail(error),
        );
        return;
      }
      value = out;
    }
    this.deliver(value as T);
  }

  private drain() {
    while (!this.busy && !this.holds && !this.ended && this.held.length) {
      const { value, from } = this.held.shift() as { value: unknown; from: number };
      this.run(value, from);
    }
  }

  private deliver(value: T) {
    if (!this.waiting) {
      this.ready.push(value);
      return;
    }
    const { resolve } = this.waiting;
    this.waiting = null;
    resolve({ value, done: false });
  }

  /** Ends the stream with `error`: what was ready still comes first, then `next()` rejects once. */
  private fail(error: unknown) {
    if (this.ended) return;
    this.end();
    if (this.waiting) {
      this.waiting.reject(error);
      this.waiting = null;
    } else this.failure = { error };
  }

  private end() {
    this.ended = true;
    this.held.length = 0;
    if (this.closed) return;
    this.closed = true;
    this.onClose();
  }
}
