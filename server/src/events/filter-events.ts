/** Whether an event goes through: synchronously when it can, so the common case costs no promise. */
export type AcceptEvent<T> = (event: T) => boolean | Promise<boolean>;

/**
 * The events of `source` that `accept` accepts. `accept` may still be in the making (a subscription's
 * checks): the first `next()` waits for it and, if it fails, ends the stream with that error, as it
 * does when `accept` throws. Written as an iterator rather than an async generator so that `return()` reaches the source
 * at once, even while it waits for its next event: an async generator would only see it after that
 * event, and the subscription would stay registered till then.
 */
export function filterEvents<T>(
  source: AsyncIterableIterator<T>,
  acceptFrom: AcceptEvent<T> | Promise<AcceptEvent<T>>,
): AsyncIterableIterator<T> {
  let accept: AcceptEvent<T> | null = typeof acceptFrom === "function" ? acceptFrom : null;
  // A failure is reported by the first `next()`, not as an unhandled rejection if it comes sooner.
  if (!accept) void Promise.resolve(acceptFrom).catch(() => undefined);
  const close = async (): Promise<IteratorResult<T>> => {
    await source.return?.();
    return { value: undefined, done: true };
  };
  return {
    async next(): Promise<IteratorResult<T>> {
      if (!accept) {
        try {
          accept = await acceptFrom;
        } catch (error) {
          await close();
          throw error;
        }
      }
      for (;;) {
        const step = await source.next();
        if (step.done) return step;
        let accepted: boolean;
        try {
          const answer = accept(step.value);
          accepted = typeof answer === "boolean" ? answer : await answer;
        } catch (error) {
          await close();
          throw error;
        }
        if (accepted) return step;
      }
    },
    return: close,
    async throw(error: unknown): Promise<IteratorResult<T>> {
      await close();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
