// PROBE ONLY: the verify listener (real thread) with a stub store.
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
const require = createRequire(new URL("../../server/package.json", import.meta.url));
require("reflect-metadata");
const { startVerifyListener } = require("./dist/verify-listener/verify-listener.js");
const { KeyCaches } = require("./dist/keys/key-caches.js");
const { loadConfig } = require("./dist/config.js");
const { createLogger } = require("./dist/observability/logger.js");
const record = { state: "ACTIVE", expiresAt: null, allowedCidrs: [], scopes: [], id: "0190a000-0000-7000-8000-000000000001", secretId: "0190a000-0000-7000-8000-000000000002", organizationId: "0190a000-0000-7000-8000-000000000003", locationId: null, mappedUserId: "0190a000-0000-7000-8000-000000000004", name: "Bench key", kind: "SECRET", publicId: null, secretExpiresAt: null, ownerIsMember: true };
const store = { recordOf: async () => record, grantOf: async () => null, recordUses: async () => {} };
const config = loadConfig({ NODE_ENV: "production", HOST: "127.0.0.1", VERIFY_PORT: "0", LOG_LEVEL: "warn", PUBLIC_URL: "http://latchkey.test" }, { dotenv: false });
const listener = await startVerifyListener({ config, log: createLogger(config), store, caches: new KeyCaches(), pepper: randomBytes(32) });
process.stdout.write(`listening ${new URL(listener.url).port}\n`);
process.on("SIGTERM", () => listener.close().then(() => process.exit(0)));
