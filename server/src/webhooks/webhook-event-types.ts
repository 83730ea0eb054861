import { EventType } from "../events/events";

/** Event types an endpoint may name: every domain event type of an organisation (a platform key belongs to none). */
export const WEBHOOK_EVENT_TYPES: readonly string[] = Object.values(EventType).filter((type) => type !== EventType.PLATFORM_KEY_REVOKED);
const ENTITIES = new Set(WEBHOOK_EVENT_TYPES.map((type) => type.split(".")[0]));

/** `*`, `<entity>.*` (e.g. `key.*`) or a known event type. */
export function isEventTypePattern(pattern: string): boolean {
  if (pattern === "*") return true;
  if (pattern.endsWith(".*")) return ENTITIES.has(pattern.slice(0, -2));
  return WEBHOOK_EVENT_TYPES.includes(pattern);
}

export function listensTo(patterns: readonly string[], type: string): boolean {
  return patterns.some(
    (pattern) => pattern === "*" || pattern === type || (pattern.endsWith(".*") && type.startsWith(pattern.slice(0, -1))),
  );
}
