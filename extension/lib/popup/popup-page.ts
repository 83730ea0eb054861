import { browser } from "wxt/browser";
import { FailureCode } from "../failures";
import { KEY_KINDS, KEY_STATES, type KeyKind, type KeyState } from "../graphql/enums";
import type { OrganizationView } from "../graphql/operations";
import { sendToBackground } from "../messaging";
import { h, showStatus, withStatus } from "../ui/dom";
import { renderCreateKeyForm } from "./create-key-form";
import { canCreateKeys, keyAbilities } from "./key-permissions";
import { renderKeyRow } from "./key-row";

/** Location filter values that are not a location ID. */
const ALL_SCOPES = "";

/** The popup: the user's organisations and locations, their keys with search and filters, and key creation. */
export async function mountPopupPage(root: HTMLElement): Promise<void> {
  const status = h("div", { class: "status", role: "status", "aria-live": "polite" });
  const header = h("header", {}, h("h1", {}, "Latchkey"));
  root.append(header, status);

  const state = await withStatus(status, () => sendToBackground("getStatus"));
  if (!state) return;
  if (!state.signedIn) {
    showStatus(status, "Not signed in. Open the options page to sign in to your Latchkey server.", "failure", FailureCode.NOT_SIGNED_IN);
    root.append(h("button", { type: "button", onclick: () => void browser.runtime.openOptionsPage() }, "Open options"));
    return;
  }
  header.append(h("span", { class: "muted account" }, state.signedIn.email));

  const listed = await withStatus(status, () => sendToBackground("listOrganizations"));
  if (!listed) return;
  const { viewerId, organizations } = listed;
  if (!organizations.length) {
    showStatus(status, "You do not belong to any organisation yet.");
    return;
  }

  const organizationSelect = h(
    "select",
    { "aria-label": "Organisation" },
    ...organizations.map((organization) => h("option", { value: organization.id }, organization.name)),
  );
  const locationSelect = h("select", { "aria-label": "Location" });
  const search = h("input", { type: "search", placeholder: "Search keys by name", "aria-label": "Search keys" });
  const stateSelect = h(
    "select",
    { "aria-label": "State" },
    h("option", { value: "" }, "Any state"),
    ...KEY_STATES.map((value) => h("option", { value }, value)),
  );
  const kindSelect = h(
    "select",
    { "aria-label": "Kind" },
    h("option", { value: "" }, "Any kind"),
    ...KEY_KINDS.map((value) => h("option", { value }, value)),
  );
  const list = h("ul", { class: "keys", "aria-label": "Keys" });
  const createToggle = h("button", { type: "button", class: "secondary" }, "New key");
  const createArea = h("div", {});
  const filters = h("div", { class: "filters" }, organizationSelect, locationSelect, stateSelect, kindSelect, search);
  root.append(filters, h("div", { class: "toolbar" }, createToggle), createArea, list);

  const selectedOrganization = (): OrganizationView =>
    organizations.find((org) => org.id === organizationSelect.value) ?? organizations[0]!;

  const fillLocations = () => {
    const organization = selectedOrganization();
    locationSelect.replaceChildren(
      h("option", { value: ALL_SCOPES }, "All locations"),
      ...organization.locations.nodes.map((location) => h("option", { value: location.id }, location.name)),
    );
    createToggle.hidden = !canCreateKeys(organization);
    createArea.replaceChildren();
  };

  let loadRun = 0;
  const loadKeys = async () => {
    const run = ++loadRun;
    const organization = selectedOrganization();
    showStatus(status, "Loading keys…");
    const keys = await withStatus(status, () =>
      sendToBackground("listKeys", {
        organizationId: organization.id,
        search: search.value,
        states: stateSelect.value ? [stateSelect.value as KeyState] : undefined,
        kinds: kindSelect.value ? [kindSelect.value as KeyKind] : undefined,
        locationId: locationSelect.value || undefined,
      }),
    );
    if (run !== loadRun || !keys) return;
    list.replaceChildren(
      ...keys.map((key) => renderKeyRow(key, { abilities: keyAbilities(key, organization, viewerId), changed: () => void loadKeys() })),
    );
    showStatus(status, keys.length ? `${keys.length} key${keys.length === 1 ? "" : "s"}` : "No keys match.");
  };

  let debounce: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener("input", () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => void loadKeys(), 200);
  });
  for (const select of [locationSelect, stateSelect, kindSelect]) select.addEventListener("change", () => void loadKeys());
  organizationSelect.addEventListener("change", () => {
    fillLocations();
    void loadKeys();
  });
  createToggle.addEventListener("click", () => {
    createArea.replaceChildren(createArea.childElementCount ? "" : renderCreateKeyForm(selectedOrganization(), () => void loadKeys()));
  });

  fillLocations();
  await loadKeys();
}
