#!/usr/bin/env node
// Compiles the server into dist/ and records what it compiled in dist/.build-stamp.json.
//   node scripts/build.mjs             always compiles (into a clean dist/)
//   node scripts/build.mjs --if-stale  compiles only when there is no build, a source was added or
//                                      removed, or a source or setting is newer than the last build:
//                                      milliseconds when dist/ is current, so nothing pays for tsc twice.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildElements, buildElementsIfStale } from "../elements/scripts/build.mjs";

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const distDir = path.join(serverDir, "dist");
const stampFile = path.join(distDir, ".build-stamp.json");
const STAMP_VERSION = 1;
/** Settings the output depends on besides the sources: compiler options and dependency versions. */
const SETTINGS = ["tsconfig.json", "package.json", "../tsconfig.json", "../pnpm-lock.yaml"];

function sourceFiles() {
  const sources = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (!entry.name.endsWith(".test.ts")) sources.push(path.relative(serverDir, file).split(path.sep).join("/"));
    }
  };
  walk(path.join(serverDir, "src"));
  return sources.sort();
}

function newestChange(files) {
  let newest = 0;
  for (const file of files) {
    try {
      newest = Math.max(newest, statSync(path.join(serverDir, file)).mtimeMs);
    } catch {
      // A setting that does not exist (no lockfile in a bare copy) changes nothing.
    }
  }
  return newest;
}

/** Why dist/ must be compiled again, or null when it is current. */
export function staleness() {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(stampFile, "utf8"));
  } catch {
    return "no build yet";
  }
  if (stamp.version !== STAMP_VERSION) return "the build stamp is from another version of this script";
  const sources = sourceFiles();
  if (sources.join("\n") !== stamp.sources.join("\n")) return "sources were added or removed";
  if (newestChange([...sources, ...SETTINGS]) > stamp.startedAt) return "sources changed since the last build";
  return null;
}

/** Compiles into a clean dist/ (no output of a deleted source lingers); exits the process if tsc fails. */
export function build(reason) {
  // A source saved while tsc runs is newer than this, so the next check compiles it.
  const startedAt = Date.now();
  const sources = sourceFiles();
  process.stderr.write(`Compiling the server (${reason})...\n`);
  rmSync(distDir, { recursive: true, force: true });
  const tsc = createRequire(path.join(serverDir, "package.json")).resolve("typescript/bin/tsc");
  const result = spawnSync(process.execPath, [tsc, "-p", path.join(serverDir, "tsconfig.json")], { stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
  writeFileSync(stampFile, `${JSON.stringify({ version: STAMP_VERSION, startedAt, sources }, null, 2)}\n`);
}

/** The server and the elements bundle it serves, each only when it is not current (see elements/scripts/build.mjs). */
export function buildIfStale() {
  const reason = staleness();
  if (reason) build(reason);
  buildElementsIfStale();
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  if (process.argv.includes("--if-stale")) buildIfStale();
  else {
    build("build requested");
    buildElements("build requested");
  }
}
