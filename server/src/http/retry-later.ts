import { RECONNECT_MAX_DELAY_MS } from "../events/reconnect-backoff";

// What a client is told while the database is down, here rather than in database-unavailable.ts
// beside the GraphQL error: the verify listener's thread answers with it too, and must not load
// GraphQL's modules (see verify-thread.ts).

/** How long clients are asked to wait: the event listener's longest wait between reconnect attempts. */
export const RETRY_AFTER_SECONDS = Math.ceil(RECONNECT_MAX_DELAY_MS / 1000);
/** What a client is told, over GraphQL and the verify endpoint alike. */
export const DATABASE_UNAVAILABLE_MESSAGE = "Latchkey cannot reach its database right now; try again shortly.";
