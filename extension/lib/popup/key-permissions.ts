import type { KeyView, OrganizationView } from "../graphql/operations";

/** What the popup offers for a key, mirroring the server's rules (the server still decides). */
export interface KeyAbilities {
  reveal: boolean;
  rotate: boolean;
  revoke: boolean;
}

const LIVE_STATES = new Set(["ACTIVE", "DISABLED", "PENDING"]);

export function keyAbilities(key: KeyView, organization: OrganizationView, viewerId: string): KeyAbilities {
  const owns = key.mappedUser.id === viewerId;
  const manages = owns || organization.viewerPermissions.includes("KEYS_MANAGE_ALL");
  const live = LIVE_STATES.has(key.state);
  return {
    // OAuth client secrets are shown once whatever the policy; SHOW_ONCE organisations never reveal.
    reveal:
      live &&
      key.kind !== "OAUTH_CLIENT" &&
      organization.settings.revealPolicy === "REVEALABLE" &&
      (owns || organization.viewerPermissions.includes("KEYS_REVEAL")),
    rotate: live && manages,
    revoke: key.state !== "REVOKED" && manages,
  };
}

export function canCreateKeys(organization: OrganizationView): boolean {
  return organization.viewerPermissions.includes("KEYS_CREATE");
}

/** The public half's label by kind: what an integrator calls it. */
export function publicIdLabel(kind: KeyView["kind"]): string | null {
  switch (kind) {
    case "KEY_PAIR":
      return "access key";
    case "BASIC":
      return "username";
    case "OAUTH_CLIENT":
      return "client ID";
    default:
      return null;
  }
}
