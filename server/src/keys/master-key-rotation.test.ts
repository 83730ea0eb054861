import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { graphqlData } from "../../../test/support/graphql-client";
import { keyTeam } from "../../../test/support/keys";
import { startSecondInstance, startTestServer, type TestServer } from "../../../test/support/server";
import { sql } from "../../../test/support/sql";
import { openOrm } from "../db/orm";
import { KeyCrypto } from "./key-crypto";
import { resealSecrets } from "./master-key-rotation";

const pepper = randomBytes(32);
const oldMaster = randomBytes(32);
const newMaster = randomBytes(32);
const env = (master: Buffer, previous: Buffer[] = []) => ({
  LATCHKEY_KEY_PEPPER: pepper.toString("base64"),
  LATCHKEY_MASTER_KEY: master.toString("base64"),
  ...(previous.length ? { LATCHKEY_PREVIOUS_MASTER_KEYS: previous.map((key) => key.toString("base64")).join(",") } : {}),
});

const servers: TestServer[] = [];
afterAll(async () => {
  for (const server of servers.reverse()) await server.stop();
});

describe("rotating the master key", () => {
  it("re-seals every revealable secret, after which the old master key is no longer needed", async () => {
    const before = await startTestServer(env(oldMaster));
    servers.push(before);
    const team = await keyTeam(before);
    const { key, secret } = await team.createKey({ name: "Long lived" });
    const [{ sealed: sealedBefore }] = await sql(before.databaseUrl, "select sealed from key_secrets");

    const orm = await openOrm(before.databaseUrl, { logger: () => undefined });
    try {
      const rotated = new KeyCrypto(pepper, [newMaster, oldMaster]);
      expect(await resealSecrets(orm.em.fork(), rotated)).toBe(1);
      expect(await resealSecrets(orm.em.fork(), rotated)).toBe(0);
    } finally {
      await orm.close(true);
    }
    const [{ sealed: sealedAfter }] = await sql(before.databaseUrl, "select sealed from key_secrets");
    expect(sealedAfter).not.toBe(sealedBefore);
    expect(String(sealedAfter)).not.toContain(secret);

    // An instance that knows only the new master key reveals the same secret, and still verifies it.
    const after = await startSecondInstance(before, env(newMaster));
    servers.push(after);
    const { revealKeySecret } = await graphqlData(
      after,
      `mutation($input: RevealKeySecretInput!) { revealKeySecret(input: $input) { secret userErrors { code } } }`,
      { input: { id: key.id, reason: "after master key rotation" } },
      team.owner.token,
    );
    expect(revealKeySecret).toEqual({ secret, userErrors: [] });
  });
});
