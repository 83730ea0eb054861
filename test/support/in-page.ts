/**
 * What the browser tests read inside a page, a frame or the extension's service worker, typed as far
 * as they use it. The test project compiles for Node (no DOM or `chrome` typings), and a callback
 * given to `evaluate` runs in the browser, where it may call nothing imported: it reaches the page's
 * globals with a type assertion alone, `(globalThis as unknown as InPage).document`, erased when compiled.
 */

/** An element, as the tests read or drive it. */
export interface PageElement {
  readonly localName: string;
  readonly id: string;
  readonly textContent: string | null;
  readonly hidden: boolean;
  readonly dataset: Record<string, string | undefined>;
  readonly parentElement: PageElement | null;
  /** Form fields: what is typed in them. */
  value?: string;
  /** A `<label>`: the field it labels. */
  readonly control?: PageElement | null;
  getAttribute(name: string): string | null;
  closest(selector: string): PageElement | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement> & ArrayLike<PageElement>;
  click(): void;
  dispatchEvent(event: Event): boolean;
}

/** One event the test page (test-page.ts) heard: its type, key and target's ID. */
export interface HeardEvent {
  type: string;
  key: string | null;
  target: string | null;
}

/** A page's or frame's globals. */
export interface InPage {
  document: PageElement & { readonly activeElement: PageElement | null; readonly body: PageElement };
  location: { href: string };
  navigator: { clipboard: { readText(): Promise<string> } };
  customElements: { get(tag: string): unknown };
  /** Kept by the test page (test-page.ts). */
  heardEvents: HeardEvent[];
  /** axe-core, once its source is evaluated in the page. */
  axe?: {
    run(context: unknown, options: object): Promise<{ violations: AxeRuleResult[] }>;
  };
}

/** A violation as axe-core reports it, the parts the tests print. */
export interface AxeRuleResult {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}

/** The extension's stored items the tests read (extension/lib storage items). */
export interface StoredItems {
  credential?: { secret: string };
  /** The warnings catch-up's cursor, per organisation ID. */
  keyWarningCursors?: Record<string, string>;
}

/** The extension's service worker's globals: the `chrome` APIs the tests call. */
export interface InExtensionWorker {
  chrome: {
    storage: { local: { get(key: keyof StoredItems): Promise<StoredItems>; set(items: Record<string, unknown>): Promise<void> } };
    action: { getBadgeText(details: object): Promise<string> };
    notifications: { getAll(): Promise<Record<string, unknown>>; clear(id: string): Promise<boolean> };
    alarms: { create(name: string, info: { when?: number; periodInMinutes?: number }): Promise<void> };
    commands: { getAll(): Promise<Array<{ name?: string; shortcut?: string; description?: string }>> };
  };
}
