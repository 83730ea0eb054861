#!/usr/bin/env node
// `node scripts/run.mjs <command> [flags]` runs `dist/main.js <command> [flags]` in this process,
// compiling first only when dist/ is stale (see build.mjs). One process, not two: it starts sooner.
import module, { createRequire } from "node:module";
import { buildIfStale } from "./build.mjs";

// Node 22.1 and later keep the compiled code of our modules and dependencies between starts (in the
// system's temporary directory), which more than halves loading them; older versions lack it.
module.enableCompileCache?.();
buildIfStale();
createRequire(import.meta.url)("../dist/main.js");
