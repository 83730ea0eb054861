import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import type { InPage } from "./in-page";

let source: string | undefined;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}

/**
 * Runs axe-core (WCAG 2.0–2.2 A and AA rules) in the page and returns the violations, each with the
 * elements at fault. Evaluated over the DevTools protocol, so extension pages' CSP does not stop it.
 */
export async function axeViolations(page: Page, scheme: "light" | "dark"): Promise<AxeViolation[]> {
  source ??= readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
  await page.emulateMedia({ colorScheme: scheme });
  await page.evaluate(source);
  const violations: AxeViolation[] = await page.evaluate(async () => {
    const inPage = globalThis as unknown as InPage;
    if (!inPage.axe) throw new Error("axe-core did not load in the page");
    const result = await inPage.axe.run(inPage.document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
      resultTypes: ["violations"],
    });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.map((node) => ({ target: node.target, failureSummary: node.failureSummary })),
    }));
  });
  return violations;
}

/** Readable for a failing assertion: rule, help, and where. */
export function describeViolations(violations: AxeViolation[]): string[] {
  return violations.flatMap((violation) =>
    violation.nodes.map((node) => `${violation.id} (${violation.help}) at ${node.target.join(" ")}: ${node.failureSummary ?? ""}`),
  );
}
