import "reflect-metadata";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { EntityManager } from "@mikro-orm/postgresql";
import { ConfigError, loadConfig } from "./config";
import { configuredDatabase, migrateOnly, openDatabase } from "./db/database";
import { seedDemo } from "./demo/seed";
import { latchkeySdl } from "./graphql/schema";
import { loadKeyMaterial } from "./keys/key-material";
import { resealSecrets } from "./keys/master-key-rotation";
import { type RunningLatchkey, startLatchkey } from "./latchkey";
import { createLogger } from "./observability/logger";
import { PLATFORM_KEY_USAGE, platformKeyCommand } from "./platform/platform-key-cli";

const USAGE = `Usage: latchkey <command>
  start [--demo]   start the server (embedded PostgreSQL unless DATABASE_URL is set); --demo seeds a demo organisation
  migrate          apply pending database migrations and exit
  emit-schema      write the GraphQL SDL to schema/schema.graphql
  rotate-master-key  re-seal revealable secrets under LATCHKEY_MASTER_KEY (old keys in LATCHKEY_PREVIOUS_MASTER_KEYS)
${PLATFORM_KEY_USAGE}`;

async function start(withDemo: boolean) {
  const config = loadConfig();
  const log = createLogger(config);
  // The one place signals are handled (Apollo's own handler is off), set up before anything starts:
  // the first signal drains and stops everything, the embedded PostgreSQL last (after start-up, if
  // it comes during it); later ones must not end the process before that is done.
  let running: RunningLatchkey | undefined;
  let stopRequested = false;
  const stopAndExit = async (latchkey: RunningLatchkey) => {
    log.info("shutting down: draining HTTP and WebSocket connections");
    try {
      await latchkey.stop();
      process.exit(0);
    } catch (error) {
      log.error({ err: error }, "shutdown failed");
      process.exit(1);
    }
  };
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      if (stopRequested) return log.warn({ signal }, "already shutting down; waiting for PostgreSQL to stop");
      stopRequested = true;
      if (running) void stopAndExit(running);
      else log.info({ signal }, "stopping as soon as start-up is complete");
    });
  }
  const latchkey = await startLatchkey(config, log);
  running = latchkey;
  if (stopRequested) return stopAndExit(latchkey);

  const lines = [
    "",
    `Latchkey is running: GraphQL at ${latchkey.graphqlUrl} (HTTP and WebSocket)`,
    ...(latchkey.verifyUrl ? [`Key verification, on a port of its own: POST ${latchkey.verifyUrl}/v1/keys/verify`] : []),
    `Console: ${latchkey.url}/ (open it in a browser)`,
    `Health: ${latchkey.url}/healthz  Readiness: ${latchkey.url}/readyz  Metrics: ${latchkey.url}/metrics`,
    "Sign up with:",
    `  curl -s ${latchkey.graphqlUrl} -H 'content-type: application/json' \\`,
    `    -d '{"query":"mutation { signUp(input: {email: \\"you@example.com\\", name: \\"You\\", password: \\"a long passphrase\\"}) { token userErrors { message } } }"}'`,
    "Then send the token as 'Authorization: Bearer <token>'.",
  ];
  if (withDemo) lines.push("", ...(await seedDemo(latchkey.database.orm.em.fork(), config)));
  process.stdout.write(`${lines.join("\n")}\n`);
}

async function main(argv: string[]) {
  const [command = "start", ...flags] = argv;
  switch (command) {
    case "start":
      return start(flags.includes("--demo"));
    case "migrate": {
      const config = loadConfig();
      const log = createLogger(config);
      await migrateOnly(configuredDatabase(config, log));
      log.info("database is up to date");
      return;
    }
    case "rotate-master-key": {
      const config = loadConfig();
      const log = createLogger(config);
      const database = await openDatabase(configuredDatabase(config, log));
      try {
        const { keyCrypto } = await loadKeyMaterial(config, log);
        const resealed = await resealSecrets(database.orm.em.fork() as EntityManager, keyCrypto);
        process.stdout.write(`re-sealed ${resealed} secret(s) under the current master key\n`);
      } finally {
        await database.close();
      }
      return;
    }
    case "platform-key": {
      const config = loadConfig();
      process.exitCode = await platformKeyCommand(flags, config, createLogger(config), (line) => process.stdout.write(`${line}\n`));
      return;
    }
    case "emit-schema": {
      const target = path.resolve(__dirname, "../../schema/schema.graphql");
      await writeFile(target, await latchkeySdl());
      process.stdout.write(`wrote ${target}\n`);
      return;
    }
    default:
      process.stderr.write(`${USAGE}\n`);
      process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : (error?.stack ?? String(error))}\n`);
  process.exit(1);
});
