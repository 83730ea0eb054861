import { type PushStream, SKIP } from "../core/push-stream";

/** Whether an event goes through: synchronously when it can, so the common case costs no promise. */
export type AcceptEvent<T> = (event: T) => boolean | Promise<boolean>;

/**
 * The events of `source` that `accept` accepts, as a stage of the same stream (see PushStream): it
 * runs as each event is pushed. `accept` may still be in the making (a subscription's checks): events
 * wait for it and, if it fails, the stream ends with that error at once, as it does when `accept` throws.
 */
export function filterEvents<T>(source: PushStream<T>, acceptFrom: AcceptEvent<T> | Promise<AcceptEvent<T>>): PushStream<T> {
  let accept: AcceptEvent<T> | null = typeof acceptFrom === "function" ? acceptFrom : null;
  if (!accept)
    source.holdUntil(
      Promise.resolve(acceptFrom).then((ready) => {
        accept = ready;
      }),
    );
  return source.pipe((event) => {
    // Held until `accept` is set: a stage runs only once every hold has settled.
    const answer = (accept as AcceptEvent<T>)(event);
    if (typeof answer === "boolean") return answer ? event : SKIP;
    return answer.then((accepted) => (accepted ? event : SKIP));
  });
}
