import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../../server/src/config";
import { type RunningLatchkey, startLatchkey } from "../../server/src/latchkey";
import { createLogger, type LogDestination } from "../../server/src/observability/logger";
import { createTestDatabase } from "./database";
import { resolveForTests, TEST_EGRESS } from "./egress";

export interface TestServer extends RunningLatchkey {
  databaseUrl: string;
}

/**
 * A real Latchkey server on 127.0.0.1 with a random port, on its own fresh database, exactly as
 * `start` builds it. Tests talk to it over HTTP and WebSocket only. Whatever `env` says, its
 * webhooks may connect to loopback addresses only (`WEBHOOK_EGRESS=loopback`), and names under
 * `.test` resolve to a public-looking address (`resolveForTests`), so a test can save a URL that
 * passes as public without any delivery ever leaving the machine.
 */
export async function startTestServer(
  env: Record<string, string> = {},
  databaseUrl?: string,
  options: { logDestination?: LogDestination } = {},
): Promise<TestServer> {
  const database = databaseUrl ? { url: databaseUrl, drop: async () => undefined } : await createTestDatabase();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "latchkey-test-data-"));
  const config = loadConfig(
    {
      DATABASE_URL: database.url,
      PORT: "0",
      HOST: "127.0.0.1",
      NODE_ENV: "test",
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
      LATCHKEY_DATA_DIR: dataDir,
      SCHEDULER_ENABLED: "false",
      // Every test file signs its people up from 127.0.0.1; rate-limits.test.ts sets its own limits.
      SIGN_UPS_PER_HOUR: "100000",
      SIGN_INS_PER_MINUTE: "100000",
      ...env,
      ...TEST_EGRESS,
    },
    { dotenv: false },
  );
  config.webhooks.resolve = resolveForTests;
  const latchkey = await startLatchkey(config, createLogger(config, options.logDestination));
  return {
    ...latchkey,
    databaseUrl: database.url,
    async stop() {
      await latchkey.stop();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A second instance on the same database, as behind a load balancer (same key material too). */
export function startSecondInstance(first: TestServer, env: Record<string, string>): Promise<TestServer> {
  return startTestServer(env, first.databaseUrl);
}
