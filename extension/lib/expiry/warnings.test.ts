import { beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { catchUpWarnings, showWarningOnce, type WarningEvent, warningCursorsItem } from "./warnings";

/** Stands in for `organization.keyEvents(types: ["key.expiring"])`: one organisation's warnings, two a page. */
function fakeWarningStream() {
  const warnings: WarningEvent[] = [];
  const send = (name: string) => {
    const warning = { keyId: `key-${name}`, cursor: `cursor-${warnings.length + 1}`, data: { name, clock: "EXPIRY", daysLeft: 7 } };
    warnings.push(warning);
    return warning;
  };
  const fetchWarnings = async (_organizationId: string, after: string | null) => {
    const from = after === null ? 0 : warnings.findIndex((warning) => warning.cursor === after) + 1;
    const page = warnings.slice(from, from + 2);
    return { warnings: page, endCursor: page.at(-1)?.cursor ?? null, hasNextPage: from + 2 < warnings.length };
  };
  return { send, fetchWarnings };
}

describe("catching up on expiry warnings missed while disconnected", () => {
  /** The IDs of the notifications created, in order: the fake browser keeps only the last per ID. */
  let notified: () => string[];

  beforeEach(() => {
    fakeBrowser.reset();
    const create = vi.spyOn(fakeBrowser.notifications, "create");
    create.mockClear();
    notified = () => create.mock.calls.map(([id]) => String(id));
  });

  it("on the first start, moves past the organisation's history without notifying it", async () => {
    const stream = fakeWarningStream();
    for (const name of ["CRM sync", "Billing webhook", "Analytics export"]) stream.send(name);
    await catchUpWarnings(["org-1"], stream.fetchWarnings);
    expect(notified()).toEqual([]);
    expect(await warningCursorsItem.getValue()).toEqual({ "org-1": "cursor-3" });
  });

  it("later, notifies each missed warning once and moves the cursor past it", async () => {
    const stream = fakeWarningStream();
    stream.send("CRM sync");
    await catchUpWarnings(["org-1"], stream.fetchWarnings);
    const billing = stream.send("Billing webhook");
    const analytics = stream.send("Analytics export");
    const payroll = stream.send("Payroll export");
    await catchUpWarnings(["org-1"], stream.fetchWarnings);
    expect(notified()).toEqual([billing, analytics, payroll].map((warning) => `latchkey-expiring-${warning.keyId}-${warning.cursor}`));
    expect(await warningCursorsItem.getValue()).toEqual({ "org-1": "cursor-4" });
    await catchUpWarnings(["org-1"], stream.fetchWarnings);
    expect(notified()).toHaveLength(3);
  });

  it("notifies warnings sent after a first start that found none", async () => {
    const stream = fakeWarningStream();
    await catchUpWarnings(["org-1"], stream.fetchWarnings);
    expect(await warningCursorsItem.getValue()).toEqual({ "org-1": null });
    const billing = stream.send("Billing webhook");
    await catchUpWarnings(["org-1"], stream.fetchWarnings);
    expect(notified()).toEqual([`latchkey-expiring-${billing.keyId}-${billing.cursor}`]);
  });

  it("does not notify again a warning already shown live, either way round", async () => {
    const stream = fakeWarningStream();
    await catchUpWarnings(["org-1"], stream.fetchWarnings);
    const live = stream.send("Billing webhook");
    const missed = stream.send("Analytics export");
    await showWarningOnce(live);
    await Promise.all([catchUpWarnings(["org-1"], stream.fetchWarnings), showWarningOnce(missed)]);
    await showWarningOnce(live);
    expect(notified().sort()).toEqual([live, missed].map((warning) => `latchkey-expiring-${warning.keyId}-${warning.cursor}`).sort());
  });

  it("keeps the cursor where it was when the server cannot be reached", async () => {
    const stream = fakeWarningStream();
    await catchUpWarnings(["org-1"], stream.fetchWarnings);
    stream.send("Billing webhook");
    await expect(catchUpWarnings(["org-1"], () => Promise.reject(new Error("network down")))).rejects.toThrow("network down");
    expect(await warningCursorsItem.getValue()).toEqual({ "org-1": null });
    await catchUpWarnings(["org-1"], stream.fetchWarnings);
    expect(notified()).toHaveLength(1);
  });
});
