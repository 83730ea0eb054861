import { hash, verify } from "@node-rs/argon2";

/**
 * argon2id (the library default) with the OWASP-recommended floor (19 MiB, 2 passes); the PHC string
 * carries the parameters, so raising them later still verifies old hashes.
 */
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/**
 * A real hash of a throwaway password, checked when the email is unknown, so that a sign-in for a
 * missing account takes as long as one with a wrong password and timing reveals nothing.
 */
let decoy: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  decoy ??= hashPassword("decoy-password-for-timing");
  return decoy;
}
