import { databaseId } from "./ids";
import type { TestIdentityProvider } from "./oidc-provider";
import type { TestServer } from "./server";
import { sql } from "./sql";

/** `AUTH_ISSUERS` trusting the given providers, each entry merged with its `extra` settings. */
export function trustedIssuers(...providers: Array<TestIdentityProvider | [TestIdentityProvider, Record<string, unknown>]>): string {
  return JSON.stringify(
    providers.map((entry) => {
      const [provider, extra] = Array.isArray(entry) ? entry : [entry, {}];
      return { issuer: provider.issuer, audience: provider.audience, ...extra };
    }),
  );
}

/** The server's log lines (JSON, parsed), for tests that check what was logged and what never was. */
export function logCapture() {
  const lines: Array<Record<string, unknown> & { msg?: string }> = [];
  let raw = "";
  return {
    destination: {
      write(text: string) {
        raw += text;
        for (const line of text.split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      },
    },
    lines,
    get raw() {
      return raw;
    },
  };
}

/**
 * Gives an organisation the host's ID for it. A stand-in for the provisioning API (`upsertOrganization`
 * with an `externalId`), which is built on another branch; written straight to the table until then.
 */
export async function setOrganizationExternalId(server: TestServer, organizationId: string, externalId: string): Promise<void> {
  await sql(server.databaseUrl, "update organizations set external_id = $1 where id = $2", [externalId, databaseId(organizationId)]);
}
