import type { PopupKeyView } from "../graphql/operations";
import { clearStatus, formatDate, h, showStatus, withStatus } from "../ui/dom";
import { renderConfirm, renderReasonPrompt } from "./key-prompts";
import { renderMenu } from "./menu";
import { ask } from "./popup-request";
import { revealHideSecondsItem } from "./popup-settings";
import { rememberedReason, rememberReason } from "./reason-memory";
import { type CredentialPart, copyPart, renderCredential } from "./secret-view";
import { expiryWording, KIND_LABELS, lastUsedWording, PERMISSION_LABELS, publicIdLabel, STATE_LABELS, secretLabel } from "./words";

export interface KeyRowContext {
  revealPolicy: "REVEALABLE" | "SHOW_ONCE";
  /** Whether the toolbar badge counts this key (the "Expiring soon" filter's rule). */
  expiringSoon: boolean;
  /** The list reloads after a change that changes what is offered (revoke). */
  changed(): void;
}

const GRACE_CHOICES: Array<[hours: number, words: string]> = [
  [0, "stops working now"],
  [1, "keeps working for 1 hour"],
  [24, "keeps working for 24 hours"],
  [168, "keeps working for 7 days"],
];

/** Why a key's secret cannot be revealed, when the reason is the organization's or the kind's, not the viewer's. */
function revealUnavailable(key: PopupKeyView, context: KeyRowContext): string | null {
  if (key.kind === "OAUTH_CLIENT") return "OAuth client secrets are shown only once, when created or rotated.";
  if (context.revealPolicy === "SHOW_ONCE") return "This organization shows secrets only once, when created or rotated.";
  return null;
}

/** One key on one line: name, kind, location, expiry, state, one main action, the rest in a menu. */
export function renderKeyRow(initial: PopupKeyView, context: KeyRowContext): HTMLLIElement {
  let key = initial;
  const status = h("div", { class: "status", role: "status" });
  const details = h("div", { class: "details" });
  const line = h("div", { class: "line" });
  const row = h("li", { class: "key", tabindex: -1, "data-key-id": key.id, "data-key-name": key.name }, line, details, status);

  const focusRow = () => (row.querySelector<HTMLElement>("button.main") ?? row).focus();
  const show = (content: HTMLElement | null) => details.replaceChildren(...(content ? [content] : []));
  const publicPart = (): CredentialPart | null => {
    const label = publicIdLabel(key.kind);
    return label && key.publicId ? { label, value: key.publicId, sensitive: false } : null;
  };

  /** Runs `action` with the reason given for this key in the last few minutes, or asks for one. */
  const withReason = (confirmText: string, action: (reason: string) => Promise<void>) => {
    clearStatus(status);
    const remembered = rememberedReason(key.id);
    const run = (reason: string) =>
      withStatus(status, async () => {
        await action(reason);
        rememberReason(key.id, reason);
      });
    if (remembered) return void run(remembered);
    const prompt = renderReasonPrompt({
      label: `Why do you need the secret of ${key.name}?`,
      confirmText,
      confirmLabel: `${confirmText} (${key.name})`,
      onSubmit: async (reason) => {
        await run(reason);
      },
      onCancel: () => {
        show(null);
        focusRow();
      },
    });
    show(prompt.element);
    prompt.focus();
  };

  const reveal = () =>
    withReason("Reveal", async (reason) => {
      const { secret } = await ask("revealSecret", { keyId: key.id, reason });
      const hideAfterSeconds = await revealHideSecondsItem.getValue();
      const parts = [publicPart(), { label: secretLabel(key.kind), value: secret, sensitive: true }].filter(
        (part): part is CredentialPart => part !== null,
      );
      const view = renderCredential({
        title: "Revealed",
        keyName: key.name,
        parts,
        status,
        hideAfterSeconds,
        onHide: () => {
          showStatus(status, "Hidden.");
          focusRow();
        },
      });
      show(view.element);
      view.focus();
      showStatus(status, `Revealed; the reason is in the audit log and covers this key for 5 minutes.`);
    });

  const copySecret = () =>
    withReason("Copy secret", async (reason) => {
      const { clearsAfterSeconds } = await ask("copySecret", { keyId: key.id, reason });
      show(null);
      const what = `the ${secretLabel(key.kind)}`;
      showStatus(
        status,
        clearsAfterSeconds > 0 ? `Copied ${what}; cleared from the clipboard in ${clearsAfterSeconds} s.` : `Copied ${what}.`,
      );
    });

  const rotate = () => {
    clearStatus(status);
    const grace = h(
      "select",
      { "aria-label": `The current secret of ${key.name}` },
      ...GRACE_CHOICES.map(([hours, words]) => h("option", { value: hours }, `The current secret ${words}`)),
    );
    const confirm = renderConfirm({
      question: `Rotate “${key.name}”? It gets a new secret, shown once.`,
      body: grace,
      confirmText: "Rotate",
      confirmLabel: `Rotate ${key.name}`,
      onConfirm: () =>
        withStatus(status, async () => {
          const gracePeriodHours = Number(grace.value);
          const result = await ask("rotateKey", { keyId: key.id, gracePeriodHours });
          key = { ...key, ...result.key };
          paint();
          const parts = [publicPart(), { label: `new ${secretLabel(key.kind)}`, value: result.secret ?? "", sensitive: true }].filter(
            (part): part is CredentialPart => part !== null,
          );
          const view = renderCredential({ title: "New secret", keyName: key.name, parts, status, onHide: focusRow });
          show(view.element);
          view.focus();
          showStatus(
            status,
            gracePeriodHours
              ? `Rotated. Store the new secret now; the old one works for ${gracePeriodHours} more hour${gracePeriodHours === 1 ? "" : "s"}.`
              : "Rotated. Store the new secret now; the old one has stopped working.",
          );
        }),
      onCancel: () => {
        show(null);
        focusRow();
      },
    });
    show(confirm.element);
    confirm.focus();
  };

  const revoke = () => {
    clearStatus(status);
    const prompt = renderReasonPrompt({
      label: `Why revoke ${key.name}?`,
      confirmText: "Revoke",
      confirmLabel: `Revoke ${key.name}`,
      destructive: true,
      note: "Revoking is permanent: every integration using this key stops working.",
      onSubmit: async (reason) => {
        const done = await withStatus(status, () => ask("revokeKey", { keyId: key.id, reason }));
        if (done) context.changed();
      },
      onCancel: () => {
        show(null);
        focusRow();
      },
    });
    show(prompt.element);
    prompt.focus();
  };

  const showDetails = () => {
    clearStatus(status);
    show(
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, "Permissions"),
        h("dd", {}, key.scopes.map((scope) => PERMISSION_LABELS[scope]).join(", ")),
        h("dt", {}, "Expires"),
        h("dd", {}, formatDate(key.expiresAt)),
        h("dt", {}, "Last used"),
        h("dd", {}, formatDate(key.lastUsedAt)),
        h("dt", {}, "Acts for"),
        h("dd", {}, key.mappedUser.email),
        key.revokedReason ? h("dt", {}, "Revoked because") : null,
        key.revokedReason ? h("dd", {}, key.revokedReason) : null,
      ),
    );
  };

  function paint() {
    const can = key.viewerCan;
    const pub = publicPart();
    const main: [string, () => void] | null = can.copy
      ? [`Copy ${secretLabel(key.kind)}`, copySecret]
      : pub
        ? [`Copy ${pub.label}`, () => void copyPart(pub, status)]
        : null;
    const items: Array<{ label: string; run: () => void; destructive?: boolean; note?: boolean }> = [];
    if (can.reveal) items.push({ label: "Reveal", run: reveal });
    if (pub && main?.[0] !== `Copy ${pub.label}`) items.push({ label: `Copy ${pub.label}`, run: () => void copyPart(pub, status) });
    if (can.rotate) items.push({ label: "Rotate…", run: rotate });
    items.push({ label: "Details", run: showDetails });
    if (can.revoke) items.push({ label: "Revoke…", run: revoke, destructive: true });
    const unavailable = can.reveal ? null : key.state === "ACTIVE" ? revealUnavailable(key, context) : null;
    if (unavailable) items.push({ label: unavailable, run: () => undefined, note: true });

    const where = key.location?.name ?? (key.personal ? "Personal" : "Whole organization");
    const expiry = key.state === "REVOKED" ? "" : expiryWording(key.expiresAt);
    row.className = `key state-${key.state.toLowerCase()}${context.expiringSoon ? " expiring-soon" : ""}`;
    row.setAttribute(
      "aria-label",
      [key.name, KIND_LABELS[key.kind], where, expiry, STATE_LABELS[key.state], lastUsedWording(key.lastUsedAt)].filter(Boolean).join(", "),
    );
    const menu = renderMenu({ label: `More actions for ${key.name}`, items });
    line.replaceChildren(
      h(
        "span",
        { class: "name-cell" },
        h("span", { class: "name", title: key.name }, key.name),
        h(
          "span",
          { class: "sub", title: `${KIND_LABELS[key.kind]} · ${where} · ${key.maskedSecret}` },
          h("span", { class: "kind" }, KIND_LABELS[key.kind]),
          " · ",
          h("span", { class: "where" }, where),
          " · ",
          h("code", { class: "masked" }, key.maskedSecret),
        ),
      ),
      h("span", { class: `expiry${context.expiringSoon ? " soon" : ""}`, title: expiry }, expiry),
      h("span", { class: `state ${key.state.toLowerCase()}` }, STATE_LABELS[key.state]),
      main
        ? h(
            "button",
            { type: "button", class: "main small", "aria-label": `${main[0]} of ${key.name}`, onclick: main[1] },
            // Short on screen ("Copy secret"); the accessible name says which part of which key.
            main[0].startsWith("Copy secret") ? "Copy secret" : main[0],
          )
        : h("span", { class: "main-placeholder" }),
      menu,
    );
  }

  /** Enter on the row runs its main action, as a double click would in a password manager. */
  row.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target === row) {
      event.preventDefault();
      row.querySelector<HTMLButtonElement>("button.main")?.click();
    }
  });
  paint();
  return row;
}
