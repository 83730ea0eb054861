/** What a stage answers for a value it drops. */
export const SKIP: unique symbol = Symbol("skip");

/**
 * One step of a stream's pipeline: the value to pass on, SKIP to drop it, or a promise of either.
 * A stage that throws or rejects ends the stream with that error.
 */
export type Stage<In, Out> = (value: In) => Out | typeof SKIP | Promise<Out | typeof SKIP>;

type Waiting<T> = { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void };

/** A value on its way through the stages, and the stage it is at. */
interface InFlight {
  value: unknown;
  from: number;
}

/**
 * An async iterator fed by pushes, whose filters and mappings run as each value is pushed, before the
 * consumer asks for it: in the same turn when they are synchronous, so a value goes from `push` to a
 * waiting consumer with one promise, however many stages it passes. A chain of async iterators, each
 * wrapping the one before, would cost a promise and a turn of the microtask queue per layer; with one
 * event fanned out to 20,000 subscriptions, that was most of what an instance spent besides its sockets.
 *
 * Values go through the stages one at a time, in the order they were pushed: while a stage waits on a
 * promise, or a hold is pending, later values queue behind it, as do values pushed from inside a stage.
 * `return()` ends the stream at once, even while the consumer waits, and calls `onClose` once.
 */
export class PushStream<T> implements AsyncIterableIterator<T> {
  private readonly stages: Stage<unknown, unknown>[] = [];
  /** Values through every stage that the consumer has not taken yet. */
  private readonly ready: T[] = [];
  /** Values not through every stage yet, in order; the first may be waiting on a stage's promise. */
  private readonly queued: InFlight[] = [];
  private busy = false;
  private running = false;
  private holds = 0;
  private waiting: Waiting<T> | null = null;
  private failure: { error: unknown } | null = null;
  private ended = false;
  private closed = false;

  constructor(private readonly onClose: () => void = () => undefined) {}

  /**
   * The stream with `stage` added to its pipeline: every value not taken yet goes through it too, in
   * its turn. It is the same stream: whoever pipes it takes it over, and only the result should be read.
   */
  pipe<U>(stage: Stage<T, U>): PushStream<U> {
    const index = this.stages.push(stage as Stage<unknown, unknown>) - 1;
    if (this.ready.length) {
      // They were pushed before everything queued, so they go first.
      this.queued.unshift(...this.ready.map((value) => ({ value, from: index })));
      this.ready.length = 0;
      this.drain();
    }
    return this as unknown as PushStream<U>;
  }

  /**
   * Holds every value back, at whatever stage it is, until `gate` settles (a subscription's checks,
   * say). If it rejects, the stream ends with its error at once, whether or not a value came meanwhile.
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
    if (this.busy || this.holds || this.running || this.queued.length) {
      this.queued.push({ value, from: 0 });
      this.drain();
      return;
    }
    // The common case: nothing ahead of it, so it goes through without being queued.
    this.running = true;
    try {
      this.run(value, 0, null);
    } finally {
      this.running = false;
    }
    this.drain();
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

  /**
   * Takes `value` through the stages from `from` on and hands it over if none drops it. `queued` is
   * its entry in the queue, or null when it was not queued; when a stage answers with a promise, the
   * value waits at the head of the queue, and everything behind it waits too.
   */
  private run(value: unknown, from: number, queued: InFlight | null): void {
    const { stages } = this;
    for (let index = from; index < stages.length; index++) {
      let out: unknown;
      try {
        out = (stages[index] as Stage<unknown, unknown>)(value);
      } catch (error) {
        this.fail(error);
        return;
      }
      if (out === SKIP) {
        if (queued) this.dequeue(queued);
        return;
      }
      if (out instanceof Promise) {
        const entry = queued ?? { value, from: index };
        if (!queued) this.queued.unshift(entry);
        this.busy = true;
        out.then(
          (settled) => {
            if (this.ended) return;
            this.busy = false;
            entry.value = settled;
            entry.from = index + 1;
            if (settled === SKIP) this.dequeue(entry);
            this.drain();
          },
          (error) => this.fail(error),
        );
        return;
      }
      value = out;
    }
    if (queued) this.dequeue(queued);
    this.deliver(value as T);
  }

  /** Runs queued values, first first, until one waits on a promise or a hold, or none is left. */
  private drain() {
    if (this.running) return;
    this.running = true;
    try {
      while (!this.busy && !this.holds && !this.ended && this.queued.length) {
        const head = this.queued[0] as InFlight;
        this.run(head.value, head.from, head);
      }
    } finally {
      this.running = false;
    }
  }

  private dequeue(entry: InFlight) {
    const at = this.queued.indexOf(entry);
    if (at >= 0) this.queued.splice(at, 1);
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

  /**
   * Ends the stream with `error`: `next()` rejects once with it, then reports the end. Values not taken
   * yet are dropped: when a subscription's credential is found revoked, it stops hearing at once, even
   * what was let through for a slow reader before.
   */
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
    this.queued.length = 0;
    this.ready.length = 0;
    if (this.closed) return;
    this.closed = true;
    this.onClose();
  }
}
