import { createRequire } from "node:module";

/** axe-core's browser bundle, injected into the document under test (it needs no network). */
export const AXE_SOURCE: string = (() => {
  const require = createRequire(__filename);
  return (require("axe-core") as { source: string }).source;
})();

/** WCAG 2.0, 2.1 and 2.2, levels A and AA: what the issue asks of every surface. */
export const WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/** One axe violation as a line a failing test can print: the rule, and where. */
export interface AxeFinding {
  id: string;
  impact: string | null;
  targets: string[];
}

/**
 * A script that runs axe in the document it is evaluated in and returns its violations as findings.
 * A string, so Playwright and Puppeteer (Chromium and Firefox) evaluate it alike.
 */
export function axeScript(): string {
  return `(async () => {
    if (!window.axe) { ${AXE_SOURCE}\n }
    const result = await window.axe.run(document, { runOnly: { type: "tag", values: ${JSON.stringify(WCAG_AA_TAGS)} } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(" ")) }));
  })()`;
}
