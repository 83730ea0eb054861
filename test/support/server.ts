import { loadConfig } from "../../server/src/config";
import { type RunningLatchkey, startLatchkey } from "../../server/src/latchkey";
import { createLogger } from "../../server/src/observability/logger";
import { createTestDatabase } from "./database";

export interface TestServer extends RunningLatchkey {
  databaseUrl: string;
}

/**
 * A real Latchkey server on 127.0.0.1 with a random port, on its own fresh database, exactly as
 * `start` builds it. Tests talk to it over HTTP and WebSocket only.
 */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const database = await createTestDatabase();
  const config = loadConfig(
    { DATABASE_URL: database.url, PORT: "0", HOST: "127.0.0.1", NODE_ENV: "test", LOG_LEVEL: "silent", ...env },
    { dotenv: false },
  );
  const latchkey = await startLatchkey(config, createLogger(config));
  return {
    ...latchkey,
    databaseUrl: database.url,
    async stop() {
      await latchkey.stop();
      await database.drop();
    },
  };
}
