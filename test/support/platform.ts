import { randomBytes } from "node:crypto";
import { Session } from "../../server/src/auth/session.entity";
import { hashSessionToken, newSessionToken } from "../../server/src/auth/session-token";
import { jobOrigin, serviceContext } from "../../server/src/core/service-context";
import { KeyCrypto } from "../../server/src/keys/key-crypto";
import { createPlatformKey, revokePlatformKey } from "../../server/src/platform/platform-keys.service";
import { UserIdentity } from "../../server/src/users/user-identity.entity";
import type { TestServer } from "./server";

/** The server's own entity manager type, without the tests depending on the ORM package. */
type EntityManager = Parameters<typeof serviceContext>[0];

/** Key material shared by every instance of a test file (and the CLI), so they read each other's digests. */
export function sharedKeyMaterial() {
  return { LATCHKEY_KEY_PEPPER: randomBytes(32).toString("base64"), LATCHKEY_MASTER_KEY: randomBytes(32).toString("base64") };
}

/**
 * Platform keys as the CLI makes and revokes them: the same service, from outside any server
 * process, so a running instance learns of a revocation only as it would in production (NOTIFY).
 */
export function platformKeys(server: TestServer, keyMaterial: ReturnType<typeof sharedKeyMaterial>) {
  const keyCrypto = new KeyCrypto(Buffer.from(keyMaterial.LATCHKEY_KEY_PEPPER, "base64"), [
    Buffer.from(keyMaterial.LATCHKEY_MASTER_KEY, "base64"),
  ]);
  const cli = () => serviceContext(server.database.orm.em as EntityManager, { origin: jobOrigin("cli:platform-key") });
  return {
    async create(name = "Host backend") {
      const { key, secret } = await createPlatformKey(cli(), { name }, keyCrypto);
      return { id: key.id, secret };
    },
    revoke: (id: string) => revokePlatformKey(cli(), { id }),
  };
}

/**
 * A session for a provisioned user, as their first sign-in through the host's identity provider
 * gives them (that sign-in is the `oidc` work; these tests need only its outcome, a credential).
 */
export async function sessionForIdentity(server: TestServer, issuer: string, subject: string): Promise<string> {
  const em = server.database.orm.em.fork() as EntityManager;
  const identity = await em.findOneOrFail(UserIdentity, { issuer, subject });
  const token = newSessionToken();
  em.create(Session, {
    user: identity.user,
    tokenHash: hashSessionToken(token),
    expiresAt: new Date(Date.now() + 3_600_000),
    ipAddress: null,
    userAgent: null,
    createdAt: new Date(),
    revokedAt: null,
  });
  await em.flush();
  return token;
}
