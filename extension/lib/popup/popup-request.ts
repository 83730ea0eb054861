import { sendToBackground } from "../messaging";
import type { Params, RequestType, Result } from "../protocol";
import { requestTimeoutSecondsItem } from "./popup-settings";

/** The status code the popup shows when the server takes too long; Retry sends the request again. */
export const TIMED_OUT = "TIMED_OUT";

/** The background did not answer in time; shown like any failure, with its own code. */
export class RequestTimedOut extends Error {
  readonly code = TIMED_OUT;
}

/**
 * Asks the background, but never waits longer than the configured timeout: a server that accepts
 * the connection and never answers would otherwise leave the popup blank.
 */
export async function ask<T extends RequestType>(type: T, ...params: Params<T> extends undefined ? [] : [Params<T>]): Promise<Result<T>> {
  const seconds = await requestTimeoutSecondsItem.getValue();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new RequestTimedOut(`The Latchkey server did not answer within ${seconds} s. It may be busy or stopped; try again.`)),
      seconds * 1000,
    );
  });
  try {
    return await Promise.race([sendToBackground(type, ...params), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
