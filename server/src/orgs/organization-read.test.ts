import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { toGlobalId } from "../graphql/global-id";
import { Organization } from "./organization.entity";
import { type OrganizationRow, organizationToRead } from "./organization-read";
import { RevealPolicy } from "./organization-settings";

const row: OrganizationRow = {
  id: "0193a4c2-7d1e-7c3a-9b2f-3e4d5c6b7a80",
  created_at: new Date("2026-12-01T10:00:00Z"),
  name: "Acme",
  external_id: "tenant-7",
  api_access_for_non_admins: true,
  agreement_version: 3,
  agreement_text: "Be kind.",
  reveal_policy: RevealPolicy.SHOW_ONCE,
  inactivity_days: 30,
  max_key_lifetime_days: null,
  require_key_approval: true,
  expiry_warning_days: [10, 1],
  location_count: 2,
};

describe("organizationToRead", () => {
  it("is an Organization to GraphQL, with the global ID an entity of the same row has", () => {
    const organization = organizationToRead(row);
    expect(organization).toBeInstanceOf(Organization);
    expect(organization.constructor.name).toBe("Organization");
    expect(organization.globalId()).toBe(toGlobalId("Organization", row.id));
  });

  it("carries every column of the row, settings included", () => {
    const organization = organizationToRead(row);
    expect({
      id: organization.id,
      name: organization.name,
      externalId: organization.externalId,
      createdAt: organization.createdAt,
    }).toEqual({
      id: row.id,
      name: "Acme",
      externalId: "tenant-7",
      createdAt: row.created_at,
    });
    expect({ ...organization.settings }).toEqual({
      apiAccessForNonAdmins: true,
      agreementVersion: 3,
      agreementText: "Be kind.",
      revealPolicy: RevealPolicy.SHOW_ONCE,
      inactivityDays: 30,
      maxKeyLifetimeDays: null,
      requireKeyApproval: true,
      expiryWarningDays: [10, 1],
    });
  });

  it("cannot be changed: a change belongs on the entity, loaded for it", () => {
    const organization = organizationToRead(row);
    expect(() => {
      organization.name = "Renamed";
    }).toThrow(TypeError);
    expect(organization.name).toBe("Acme");
  });
});
