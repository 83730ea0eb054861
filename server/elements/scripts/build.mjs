#!/usr/bin/env node
// Bundles the elements (and the console built from them) into one ES module, dist/latchkey-elements.js,
// and records its size and Subresource Integrity hash in dist/manifest.json for the server to serve.
//   node scripts/build.mjs             always bundles
//   node scripts/build.mjs --if-stale  bundles only when a source, setting or the schema is newer than the bundle
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

const elementsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const distDir = path.join(elementsDir, "dist");
const bundleFile = path.join(distDir, "latchkey-elements.js");
const manifestFile = path.join(distDir, "manifest.json");
const SETTINGS = ["package.json", "tsconfig.json", "scripts/build.mjs", "../../pnpm-lock.yaml"];

function newestSource() {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else newest = Math.max(newest, statSync(file).mtimeMs);
    }
  };
  walk(path.join(elementsDir, "src"));
  for (const setting of SETTINGS) {
    try {
      newest = Math.max(newest, statSync(path.join(elementsDir, setting)).mtimeMs);
    } catch {
      // A setting that does not exist (no lockfile in a bare copy) changes nothing.
    }
  }
  return newest;
}

/** Why the bundle must be built again, or null when it is current. */
export function elementsStaleness() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
  } catch {
    return "no bundle yet";
  }
  return newestSource() > manifest.startedAt ? "sources changed since the last bundle" : null;
}

/** Bundles with esbuild (minified, ES2022, one file); exits the process if esbuild fails. Synchronous, so
 * the server's own build (and `run.mjs`, which starts the server right after it) can call it in line. */
export function buildElements(reason) {
  const startedAt = Date.now();
  process.stderr.write(`Bundling Latchkey Elements (${reason})...\n`);
  const esbuild = createRequire(path.join(elementsDir, "package.json"))("esbuild");
  try {
    esbuild.buildSync({
      entryPoints: [path.join(elementsDir, "src", "index.ts")],
      outfile: bundleFile,
      bundle: true,
      format: "esm",
      target: "es2022",
      minify: true,
      legalComments: "none",
      tsconfig: path.join(elementsDir, "tsconfig.json"),
      logLevel: "warning",
    });
  } catch {
    process.exit(1);
  }
  const bundle = readFileSync(bundleFile);
  const manifest = {
    startedAt,
    file: "latchkey-elements.js",
    bytes: bundle.length,
    gzipBytes: gzipSync(bundle, { level: 9 }).length,
    integrity: `sha384-${createHash("sha384").update(bundle).digest("base64")}`,
  };
  writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
}

export function buildElementsIfStale() {
  const reason = elementsStaleness();
  if (reason) buildElements(reason);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  if (process.argv.includes("--if-stale")) buildElementsIfStale();
  else buildElements("build requested");
}
