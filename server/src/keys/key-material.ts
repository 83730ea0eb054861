import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Config } from "../config";
import type { Logger } from "../observability/logger";
import { KeyCrypto } from "./key-crypto";

interface StoredMaterial {
  pepper: string;
  masterKey: string;
}

/** Reads or creates `<dataDir>/key-material.json` (mode 0600), the fallback when none is configured. */
async function storedMaterial(dataDir: string, log: Logger): Promise<StoredMaterial> {
  await mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, "key-material.json");
  try {
    return JSON.parse(await readFile(file, "utf8")) as StoredMaterial;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const fresh = { pepper: randomBytes(32).toString("base64"), masterKey: randomBytes(32).toString("base64") };
  try {
    await writeFile(file, JSON.stringify(fresh), { mode: 0o600, flag: "wx" });
    log.warn(
      { file },
      "generated a key pepper and master key; set LATCHKEY_KEY_PEPPER and LATCHKEY_MASTER_KEY to share them between instances",
    );
    return fresh;
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return JSON.parse(await readFile(file, "utf8")) as StoredMaterial;
    throw error;
  }
}

/** The configured pepper and master key; the data directory's file is read (or created) only for what is not configured. */
async function configuredMaterial(config: Config, log: Logger): Promise<StoredMaterial> {
  if (config.keyPepper && config.masterKey) return { pepper: config.keyPepper, masterKey: config.masterKey };
  const stored = await storedMaterial(config.dataDir, log);
  return { pepper: config.keyPepper ?? stored.pepper, masterKey: config.masterKey ?? stored.masterKey };
}

/**
 * The pepper and master keys from configuration, or generated into the data directory on first run.
 * `LATCHKEY_PREVIOUS_MASTER_KEYS` lists retired master keys that can still open old ciphertexts
 * until `latchkey rotate-master-key` has re-sealed them.
 */
export async function loadKeyMaterial(
  config: Config,
  log: Logger,
): Promise<{ keyCrypto: KeyCrypto; masterKeys: Buffer[]; pepper: Buffer }> {
  const material = await configuredMaterial(config, log);
  const pepper = Buffer.from(material.pepper, "base64");
  const master = Buffer.from(material.masterKey, "base64");
  const previous = config.previousMasterKeys.map((key) => Buffer.from(key, "base64"));
  const masterKeys = [master, ...previous];
  return { keyCrypto: new KeyCrypto(pepper, masterKeys), masterKeys, pepper };
}
