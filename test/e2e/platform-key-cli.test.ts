import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAIN } from "../support/cli";
import { createTestDatabase } from "../support/database";
import { eventually } from "../support/eventually";
import { graphql } from "../support/graphql-client";
import { sharedKeyMaterial } from "../support/platform";
import { startTestServer, type TestServer } from "../support/server";

const run = promisify(execFile);
const keyMaterial = sharedKeyMaterial();

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let dataDir: string;
let server: TestServer;
beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`pnpm build\` first (\`pnpm test\` does).`);
  database = await createTestDatabase();
  dataDir = await mkdtemp(path.join(os.tmpdir(), "latchkey-platform-cli-"));
  server = await startTestServer({ ...keyMaterial, KEY_CACHE_SECONDS: "300" }, database.url);
});
afterAll(async () => {
  await server?.stop();
  await database?.drop();
  await rm(dataDir, { recursive: true, force: true });
});

/** `latchkey platform-key …` as an operator runs it, against the server's database and key material. */
async function platformKeyCli(...args: string[]): Promise<{ code: number; stdout: string }> {
  const env = { ...process.env, ...keyMaterial, DATABASE_URL: database.url, LATCHKEY_DATA_DIR: dataDir, LOG_LEVEL: "warn" };
  try {
    const { stdout } = await run(process.execPath, [MAIN, "platform-key", ...args], { env, cwd: dataDir });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, stdout: failed.stdout };
  }
}

const UPSERT = `mutation($input: UpsertOrganizationInput!) { upsertOrganization(input: $input) { organization { externalId } userErrors { code } } }`;

describe("`latchkey platform-key`", () => {
  it("creates a key whose secret is printed once and provisions, lists it, and revokes it so the running server refuses it", async () => {
    const created = await platformKeyCli("create", "--name", "Dealer backend");
    expect(created.code).toBe(0);
    const secret = /secret \(shown once, store it now\): (lk_pf_\S+)/.exec(created.stdout)?.[1];
    const id = /created platform key (\S+) \(Dealer backend\)/.exec(created.stdout)?.[1];
    if (!secret || !id) throw new Error(`unexpected output:\n${created.stdout}`);

    const provisioned = await graphql(server, UPSERT, { input: { externalId: "dealer-42", name: "Dealer 42" } }, secret);
    expect(provisioned.data?.upsertOrganization).toEqual({ organization: { externalId: "dealer-42" }, userErrors: [] });

    const listed = await platformKeyCli("list");
    expect(listed.code).toBe(0);
    const [line] = listed.stdout.trim().split("\n");
    expect(line?.split("\t")).toEqual([id, "Dealer backend", `${secret.slice(0, 6)}…${secret.slice(-4)}`, expect.any(String), "active"]);
    expect(listed.stdout).not.toContain(secret);

    expect(await platformKeyCli("revoke", id)).toEqual({ code: 0, stdout: `revoked platform key ${id} (Dealer backend)\n` });
    await eventually(async () => {
      const refused = await graphql(server, UPSERT, { input: { externalId: "dealer-43", name: "Dealer 43" } }, secret);
      expect(refused.status).toBe(401);
    });
    expect((await platformKeyCli("list")).stdout).toMatch(/\trevoked \d{4}-/);
  }, 60_000);

  it("says how to use it, and fails for a key it does not know", async () => {
    const usage = await platformKeyCli("create");
    expect(usage.code).toBe(2);
    expect(usage.stdout).toContain("platform-key create --name NAME");
    const unknown = await platformKeyCli("revoke", "not-an-id");
    expect(unknown).toEqual({ code: 1, stdout: "no platform key not-an-id\n" });
  }, 60_000);
});
