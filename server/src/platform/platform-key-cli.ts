import type { EntityManager } from "@mikro-orm/postgresql";
import type { Config } from "../config";
import { jobOrigin, serviceContext } from "../core/service-context";
import { configuredDatabase, openDatabase } from "../db/database";
import { idOfType, toGlobalId } from "../graphql/global-id";
import { loadKeyMaterial } from "../keys/key-material";
import type { Logger } from "../observability/logger";
import { createPlatformKey, listPlatformKeys, revokePlatformKey } from "./platform-keys.service";

export const PLATFORM_KEY_USAGE = `  platform-key create --name NAME   make a platform key for the host's backend (prints its secret once)
  platform-key list                 list platform keys (ID, name, masked secret, created, revoked)
  platform-key revoke ID            revoke a platform key on every instance at once`;

/** The audit log shows changes made here as coming from the CLI. */
const CLI_ORIGIN = jobOrigin("cli:platform-key");

type Write = (line: string) => void;

/** `latchkey platform-key …`: returns the exit code. IDs are global IDs, as `AuditEntry.actorPlatformKeyId` shows them. */
export async function platformKeyCommand(args: string[], config: Config, log: Logger, write: Write): Promise<number> {
  const [action, ...rest] = args;
  const name = rest[0] === "--name" ? rest[1]?.trim() : undefined;
  if (!(action === "create" && name) && action !== "list" && !(action === "revoke" && rest[0])) {
    write(`Usage:\n${PLATFORM_KEY_USAGE}`);
    return 2;
  }
  const database = await openDatabase(configuredDatabase(config, log));
  try {
    const ctx = serviceContext(database.orm.em as EntityManager, { origin: CLI_ORIGIN });
    if (action === "create" && name) {
      const { keyCrypto } = await loadKeyMaterial(config, log);
      const { key, secret } = await createPlatformKey(ctx, { name }, keyCrypto);
      write(`created platform key ${toGlobalId("PlatformKey", key.id)} (${key.name})`);
      write(`secret (shown once, store it now): ${secret}`);
      return 0;
    }
    if (action === "list") {
      for (const key of await listPlatformKeys(ctx)) {
        const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : "active";
        write([toGlobalId("PlatformKey", key.id), key.name, key.maskedSecret, key.createdAt.toISOString(), state].join("\t"));
      }
      return 0;
    }
    const id = idOfType(rest[0] ?? "", "PlatformKey");
    const revoked = id ? await revokePlatformKey(ctx, { id }) : null;
    if (!revoked) {
      write(`no platform key ${rest[0]}`);
      return 1;
    }
    write(`revoked platform key ${rest[0]} (${revoked.name})`);
    return 0;
  } finally {
    await database.close();
  }
}
