import { browser } from "wxt/browser";
import { FailureCode } from "../failures";
import { KEY_KINDS, KEY_STATES, type KeyKind, type KeyState } from "../graphql/enums";
import type { OrganizationView, PopupKeyView } from "../graphql/operations";
import type { PopupKeyList } from "../protocol";
import { clearStatus, h, showStatus } from "../ui/dom";
import { type CreatedKey, renderCreatedKey, renderCreateKeyForm } from "./create-key-form";
import { EXPIRING_SOON_LABEL, isExpiringSoon, type KeySort, SORT_LABELS, sortKeys } from "./key-list";
import { renderKeyRow } from "./key-row";
import { ask } from "./popup-request";
import { KIND_LABELS, STATE_LABELS } from "./words";

/** Location filter values that are not a location ID. */
const ALL_LOCATIONS = "";

interface Failure {
  code?: string;
  message?: string;
}

/** The words and the way out for each failure the popup can meet before it has anything to show. */
function problemActions(code: string | undefined, retry: () => void): HTMLElement[] {
  const openOptions = (label: string) => h("button", { type: "button", onclick: () => void browser.runtime.openOptionsPage() }, label);
  const retryButton = h("button", { type: "button", class: "retry", onclick: retry }, "Retry");
  switch (code) {
    case FailureCode.NOT_SIGNED_IN:
      return [openOptions("Sign in")];
    case FailureCode.SESSION_EXPIRED:
      return [openOptions("Sign in again")];
    case FailureCode.SERVER_UNREACHABLE:
      return [retryButton, openOptions("Check the server address")];
    default:
      return [retryButton];
  }
}

/**
 * The popup: one organization's keys, one line each, searchable and sortable from the keyboard;
 * every state (loading, not answering, signed out, unreachable, empty) said in words with a way on.
 */
export async function mountPopupPage(root: HTMLElement): Promise<void> {
  const status = h("div", { class: "status", role: "status", "aria-live": "polite" });
  const problem = h("div", { class: "problem" });
  const header = h("header", {}, h("h1", {}, "Latchkey"));
  const body = h("div", { class: "body" });
  root.append(header, status, problem, body);

  const loading = (text: string) => {
    showStatus(status, text);
    status.classList.add("loading");
    problem.replaceChildren();
  };
  const fail = (failure: Failure, retry: () => void) => {
    showStatus(status, failure.message ?? "Something went wrong.", "failure", failure.code);
    problem.replaceChildren(...problemActions(failure.code, retry));
    problem.querySelector<HTMLElement>("button")?.focus();
  };

  const start = async (): Promise<void> => {
    body.replaceChildren();
    header.querySelector(".account")?.remove();
    loading("Loading…");
    let listed: Awaited<ReturnType<typeof ask<"listOrganizations">>>;
    try {
      const state = await ask("getStatus");
      if (!state.signedIn) {
        return fail({ code: FailureCode.NOT_SIGNED_IN, message: "You are not signed in to a Latchkey server." }, () => void start());
      }
      header.append(h("span", { class: "muted account" }, state.signedIn.email));
      listed = await ask("listOrganizations");
    } catch (error) {
      return fail(error as Failure, () => void start());
    }
    clearStatus(status);
    if (!listed.organizations.length) {
      showStatus(status, "You are not a member of any organization yet. Ask an admin to add you, then open Latchkey again.");
      return;
    }
    mountKeys(listed.organizations);
  };

  function mountKeys(organizations: OrganizationView[]) {
    const createdHere = new Set<string>();
    let expiringOnly = false;
    let current: PopupKeyList | null = null;

    const organizationSelect = h(
      "select",
      { "aria-label": "Organization" },
      ...organizations.map((organization) => h("option", { value: organization.id }, organization.name)),
    );
    const search = h("input", { type: "search", placeholder: "Search keys by name", "aria-label": "Search keys", autocomplete: "off" });
    const sortSelect = h(
      "select",
      { "aria-label": "Sort" },
      ...(Object.keys(SORT_LABELS) as KeySort[]).map((value) => h("option", { value }, `Sort: ${SORT_LABELS[value]}`)),
    );
    const expiringToggle = h(
      "button",
      { type: "button", class: "secondary toggle", "aria-pressed": "false", title: "The keys the toolbar badge counts" },
      EXPIRING_SOON_LABEL,
    );
    const locationSelect = h("select", { "aria-label": "Location" });
    const stateSelect = h(
      "select",
      { "aria-label": "State" },
      h("option", { value: "" }, "Any state"),
      ...KEY_STATES.map((value) => h("option", { value }, STATE_LABELS[value])),
    );
    const kindSelect = h(
      "select",
      { "aria-label": "Kind" },
      h("option", { value: "" }, "Any kind"),
      ...KEY_KINDS.map((value) => h("option", { value }, KIND_LABELS[value])),
    );
    const createSlot = h("div", { class: "create-slot" });
    const createArea = h("div", {});
    const resultArea = h("div", { class: "result" });
    const resultStatus = h("div", { class: "status", role: "status" });
    const list = h("ul", { class: "keys", "aria-label": "Keys" });
    const listStatus = h("div", { class: "status list-status" });

    if (organizations.length > 1) header.append(organizationSelect);
    body.append(
      h("div", { class: "toolbar" }, search, sortSelect, expiringToggle),
      h("div", { class: "filters" }, locationSelect, stateSelect, kindSelect, createSlot),
      createArea,
      resultArea,
      list,
      listStatus,
    );

    const selectedOrganization = (): OrganizationView =>
      organizations.find((organization) => organization.id === organizationSelect.value) ?? (organizations[0] as OrganizationView);
    const filtered = () => Boolean(search.value.trim() || stateSelect.value || kindSelect.value || locationSelect.value || expiringOnly);

    const closeCreate = (focus = true) => {
      createArea.replaceChildren();
      if (focus) createSlot.querySelector<HTMLElement>("button")?.focus();
    };
    const showCreated = (created: CreatedKey) => {
      createdHere.add(created.key.id);
      closeCreate(false);
      clearStatus(resultStatus);
      const view = renderCreatedKey(created, resultStatus, () => {
        resultArea.replaceChildren();
        list.querySelector<HTMLElement>(`li[data-key-id="${created.key.id}"]`)?.focus();
      });
      resultArea.replaceChildren(view.element, resultStatus);
      showStatus(resultStatus, `Created “${created.key.name}”.`);
      view.focus();
      void loadKeys();
    };

    const renderCreateSlot = (list: PopupKeyList | null) => {
      const can = list?.organization.viewerCan;
      if (!can) return createSlot.replaceChildren();
      if (!can.createKey) {
        createSlot.replaceChildren(h("p", { class: "note why-not" }, `You cannot create keys here. ${can.createKeyRefusal ?? ""}`.trim()));
        return;
      }
      const button = h("button", { type: "button", class: "new-key" }, "New key");
      button.addEventListener("click", () => {
        if (createArea.childElementCount) return closeCreate();
        const organization = selectedOrganization();
        // The list's answer is the newer one, unless the viewer accepted that same version since it loaded.
        const fresh = list?.organization.viewerApiAgreement;
        const known = organization.viewerApiAgreement;
        if (fresh && !(known?.accepted && known.currentVersion === fresh.currentVersion)) organization.viewerApiAgreement = fresh;
        const agreementText = list?.organization.settings.agreementText ?? null;
        createArea.replaceChildren(renderCreateKeyForm(organization, { created: showCreated, closed: () => closeCreate() }, agreementText));
        createArea.querySelector<HTMLElement>("input, button")?.focus();
      });
      createSlot.replaceChildren(button);
    };

    const fillLocations = () => {
      const organization = selectedOrganization();
      locationSelect.replaceChildren(
        h("option", { value: ALL_LOCATIONS }, "All locations"),
        ...organization.locations.nodes.map((location) => h("option", { value: location.id }, location.name)),
      );
      createArea.replaceChildren();
      resultArea.replaceChildren();
    };

    const renderList = () => {
      if (!current) return;
      const inactivityDays = current.organization.settings.inactivityDays;
      const soon = (key: PopupKeyView) => isExpiringSoon(key, inactivityDays);
      const expiringCount = current.keys.filter(soon).length;
      expiringToggle.textContent = `${EXPIRING_SOON_LABEL} (${expiringCount})`;
      const shown = sortKeys(expiringOnly ? current.keys.filter(soon) : current.keys, sortSelect.value as KeySort, createdHere);
      const revealPolicy = current.organization.settings.revealPolicy;
      list.replaceChildren(
        ...shown.map((key) => renderKeyRow(key, { revealPolicy, expiringSoon: soon(key), changed: () => void loadKeys() })),
      );
      list.querySelector<HTMLElement>("li.key")?.setAttribute("tabindex", "0");
      if (shown.length) showStatus(listStatus, `${shown.length} key${shown.length === 1 ? "" : "s"}`);
      else if (filtered()) showStatus(listStatus, "No keys match.");
      else showStatus(listStatus, `No keys in ${selectedOrganization().name} yet.`);
      if (!shown.length && filtered()) {
        listStatus.append(
          " ",
          h(
            "button",
            {
              type: "button",
              class: "secondary small",
              onclick: () => {
                search.value = "";
                stateSelect.value = kindSelect.value = locationSelect.value = "";
                setExpiringOnly(false);
                void loadKeys();
                search.focus();
              },
            },
            "Clear filters",
          ),
        );
      }
    };

    let loadRun = 0;
    async function loadKeys(): Promise<void> {
      const run = ++loadRun;
      loading("Loading keys…");
      list.setAttribute("aria-busy", "true");
      try {
        const loaded = await ask("loadPopupKeys", {
          organizationId: selectedOrganization().id,
          search: search.value,
          states: stateSelect.value ? [stateSelect.value as KeyState] : undefined,
          kinds: kindSelect.value ? [kindSelect.value as KeyKind] : undefined,
          locationId: locationSelect.value || undefined,
        });
        if (run !== loadRun) return;
        current = loaded;
        clearStatus(status);
        status.classList.remove("loading");
        renderCreateSlot(loaded);
        renderList();
      } catch (error) {
        if (run !== loadRun) return;
        current = null;
        list.replaceChildren();
        clearStatus(listStatus);
        renderCreateSlot(null);
        fail(error as Failure, () => void loadKeys());
      } finally {
        if (run === loadRun) list.removeAttribute("aria-busy");
      }
    }

    const setExpiringOnly = (value: boolean) => {
      expiringOnly = value;
      expiringToggle.setAttribute("aria-pressed", String(value));
    };

    let debounce: ReturnType<typeof setTimeout> | undefined;
    search.addEventListener("input", () => {
      clearTimeout(debounce);
      debounce = setTimeout(() => void loadKeys(), 200);
    });
    for (const select of [locationSelect, stateSelect, kindSelect]) select.addEventListener("change", () => void loadKeys());
    sortSelect.addEventListener("change", renderList);
    expiringToggle.addEventListener("click", () => {
      setExpiringOnly(!expiringOnly);
      renderList();
    });
    organizationSelect.addEventListener("change", () => {
      fillLocations();
      void loadKeys();
    });

    // Arrow keys move between rows (and from the search box into the list); Enter runs a row's main action.
    const rows = () => [...list.querySelectorAll<HTMLElement>("li.key")];
    const focusRow = (index: number) => {
      const all = rows();
      const target = all[Math.max(0, Math.min(index, all.length - 1))];
      if (!target) return;
      for (const row of all) row.setAttribute("tabindex", row === target ? "0" : "-1");
      target.focus();
    };
    search.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        focusRow(0);
      }
    });
    list.addEventListener("keydown", (event) => {
      const target = event.target as HTMLElement;
      if (target.closest("form, [role=menu]") || /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) return;
      const row = target.closest<HTMLElement>("li.key");
      if (!row) return;
      const index = rows().indexOf(row);
      const moves: Record<string, number> = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: rows().length - 1 };
      if (!(event.key in moves)) return;
      event.preventDefault();
      if (event.key === "ArrowUp" && index === 0) return search.focus();
      focusRow(moves[event.key] as number);
    });

    fillLocations();
    search.focus();
    void loadKeys();
  }

  await start();
}
