import type { EntityManager } from "@mikro-orm/postgresql";
import type { KeyCrypto } from "./key-crypto";
import { KeySecret } from "./key-secret.entity";

const BATCH = 500;

/**
 * Re-seals every revealable secret still sealed under a previous master key with the current one,
 * in batches, each its own transaction. Run it after setting a new `LATCHKEY_MASTER_KEY` with the
 * old one in `LATCHKEY_PREVIOUS_MASTER_KEYS`; once it reports zero left, the old key can be dropped.
 * Returns how many secrets were re-sealed.
 */
export async function resealSecrets(em: EntityManager, crypto: KeyCrypto): Promise<number> {
  let resealed = 0;
  let after = "00000000-0000-0000-0000-000000000000";
  for (;;) {
    const rows: Array<{ id: string; sealed: string }> = await em
      .getConnection()
      .execute("select id, sealed from key_secrets where sealed is not null and id > ? order by id limit ?", [after, BATCH]);
    const last = rows.at(-1);
    if (!last) return resealed;
    after = last.id;
    const stale = rows.filter((row) => crypto.isStale(row.sealed));
    if (!stale.length) continue;
    await em.transactional(async (tx) => {
      for (const row of stale) {
        // Guarded by the old value, so a concurrent rotation of that secret is never overwritten.
        await tx.nativeUpdate(KeySecret, { id: row.id, sealed: row.sealed }, { sealed: crypto.seal(crypto.open(row.sealed)) });
      }
    });
    resealed += stale.length;
  }
}
