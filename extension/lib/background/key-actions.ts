import { FailureCode, failureFromUserErrors, LatchkeyFailure } from "../failures";
import { request } from "../graphql/client";
import {
  AcceptApiAgreement,
  type KeyView,
  OrganizationKeys,
  type OrganizationView,
  PopupCreateKey,
  type PopupKeyView,
  PopupOrganizationKeys,
  RevealKeySecret,
  RevokeKey,
  RotateKey,
  Viewer,
} from "../graphql/operations";
import type { CreateKeyRequest, FieldError, KeyFilter, PaletteKey, PopupKeyList } from "../protocol";
import { currentConnection } from "../session";

/** The organisations the signed-in user belongs to, with their locations. */
export async function listOrganizations(): Promise<{ viewerId: string; organizations: OrganizationView[] }> {
  const { viewer } = await request(await currentConnection(), Viewer, {});
  return {
    viewerId: viewer.id,
    organizations: viewer.memberships.flatMap((membership) => (membership.organization ? [membership.organization] : [])),
  };
}

/** A key filter as the keys query's variables: blank values mean "any". */
function filterVariables(filter: KeyFilter) {
  return {
    organizationId: filter.organizationId,
    search: filter.search?.trim() || null,
    states: filter.states?.length ? filter.states : null,
    kinds: filter.kinds?.length ? filter.kinds : null,
    locationId: filter.locationId || null,
  };
}

/** Keys the user may see in one organisation, filtered on the server, every page of them. */
export async function listKeys(filter: KeyFilter): Promise<KeyView[]> {
  const connection = await currentConnection();
  const keys: KeyView[] = [];
  let after: string | null = null;
  do {
    const { organization }: Awaited<ReturnType<typeof fetchPage>> = await fetchPage(after);
    if (!organization?.keys) throw new LatchkeyFailure(FailureCode.PERMISSION_DENIED, "You may not see this organization's keys.");
    keys.push(...organization.keys.nodes);
    after = organization.keys.pageInfo.hasNextPage ? organization.keys.pageInfo.endCursor : null;
  } while (after);
  return keys;

  function fetchPage(cursor: string | null) {
    return request(connection, OrganizationKeys, {
      ...filterVariables(filter),
      after: cursor,
    });
  }
}

/** The popup's list: keys with what the viewer may do with each, and what they may do in the organization. */
export async function loadPopupKeys(filter: KeyFilter): Promise<PopupKeyList> {
  const connection = await currentConnection();
  const keys: PopupKeyView[] = [];
  let after: string | null = null;
  let organization: PopupKeyList["organization"] | null = null;
  do {
    const page: Awaited<ReturnType<typeof fetchPage>> = await fetchPage(after);
    if (!page.organization?.keys) throw new LatchkeyFailure(FailureCode.PERMISSION_DENIED, "You may not see this organization's keys.");
    const { keys: connectionPage, ...rest } = page.organization;
    organization ??= rest;
    keys.push(...connectionPage.nodes);
    after = connectionPage.pageInfo.hasNextPage ? connectionPage.pageInfo.endCursor : null;
  } while (after);
  if (!organization) throw new LatchkeyFailure(FailureCode.UNEXPECTED);
  return { organization, keys };

  function fetchPage(cursor: string | null) {
    return request(connection, PopupOrganizationKeys, {
      ...filterVariables(filter),
      after: cursor,
    });
  }
}

/** Reveals a secret; the reason goes into the organisation's audit log. */
export async function revealSecret(keyId: string, reason: string): Promise<string> {
  if (!reason.trim()) throw new LatchkeyFailure(FailureCode.INVALID_INPUT, "Say why you need the secret; it goes into the audit log.");
  const { revealKeySecret } = await request(await currentConnection(), RevealKeySecret, { input: { id: keyId, reason: reason.trim() } });
  if (revealKeySecret.userErrors.length || !revealKeySecret.secret) throw failureFromUserErrors(revealKeySecret.userErrors);
  return revealKeySecret.secret;
}

/** A new secret; the old one keeps working for `gracePeriodHours` (0: stops now). */
export async function rotateKey(keyId: string, gracePeriodHours = 0): Promise<{ key: KeyView; secret: string | null }> {
  const { rotateKey } = await request(await currentConnection(), RotateKey, { input: { id: keyId, gracePeriodHours } });
  if (rotateKey.userErrors.length || !rotateKey.key) throw failureFromUserErrors(rotateKey.userErrors);
  return { key: rotateKey.key, secret: rotateKey.secret };
}

export async function revokeKey(keyId: string, reason: string): Promise<{ key: KeyView }> {
  if (!reason.trim()) throw new LatchkeyFailure(FailureCode.INVALID_INPUT, "Say why the key is revoked; it goes into the audit log.");
  const { revokeKey } = await request(await currentConnection(), RevokeKey, { input: { id: keyId, reason: reason.trim() } });
  if (revokeKey.userErrors.length || !revokeKey.key) throw failureFromUserErrors(revokeKey.userErrors);
  return { key: revokeKey.key };
}

/** Creates a key; expected failures come back with their fields, for the form to show next to them. */
export async function createKey(
  input: CreateKeyRequest,
): Promise<{ key: PopupKeyView | null; secret: string | null; fieldErrors: FieldError[] }> {
  const { createKey } = await request(await currentConnection(), PopupCreateKey, {
    input: {
      organizationId: input.organizationId,
      locationId: input.locationId || null,
      name: input.name,
      kind: input.kind,
      personal: input.personal,
      expiresAt: input.expiresAt || null,
      scopes: input.scopes?.length ? input.scopes : null,
      // Organisation keys need someone to contact about them; personal keys do not.
      contact: input.personal ? null : (input.contact ?? null),
    },
  });
  if (createKey.userErrors.length || !createKey.key) {
    const fieldErrors = createKey.userErrors.map(({ field, message, code }) => ({ field: field ?? null, message, code }));
    // Refusals that no field can fix (rights, agreement) fail as a whole, as the other requests do.
    if (!fieldErrors.length || fieldErrors.some((error) => error.code !== "INVALID_INPUT" && error.code !== "NOT_FOUND")) {
      throw failureFromUserErrors(createKey.userErrors);
    }
    return { key: null, secret: null, fieldErrors };
  }
  return { key: createKey.key, secret: createKey.secret, fieldErrors: [] };
}

export async function acceptAgreement(organizationId: string): Promise<{ accepted: boolean }> {
  const { acceptApiAgreement } = await request(await currentConnection(), AcceptApiAgreement, { input: { organizationId } });
  if (acceptApiAgreement.userErrors.length) throw failureFromUserErrors(acceptApiAgreement.userErrors);
  return { accepted: acceptApiAgreement.organization?.viewerApiAgreement?.accepted ?? false };
}

/** Active keys across every organisation whose name matches, for the in-page palette. */
export async function searchPaletteKeys(search: string): Promise<PaletteKey[]> {
  const { organizations } = await listOrganizations();
  const perOrganization = await Promise.all(
    organizations.map(async (organization) => {
      const keys = await listKeys({ organizationId: organization.id, search, states: ["ACTIVE"] }).catch(() => []);
      return keys.map((key) => ({
        id: key.id,
        name: key.name,
        kind: key.kind,
        maskedSecret: key.maskedSecret,
        publicId: key.publicId ?? null,
        organizationName: organization.name,
        locationName: key.location?.name ?? null,
      }));
    }),
  );
  return perOrganization.flat();
}
