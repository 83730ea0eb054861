import type { LatchkeyClient } from "../core/client";
import { plainWords } from "../core/failure";
import { ApproveKey, DisableKey, EnableKey } from "./operations";
import type { KeyRow } from "./words";

/** Runs an action that asks nothing first; a refusal comes back in plain words, to show in the key's row. */
export async function runDirectAction(
  client: LatchkeyClient,
  action: "disable" | "enable" | "approve",
  key: KeyRow,
): Promise<{ key: KeyRow | null; failure: string | null }> {
  try {
    const input = { input: { id: key.id } };
    const payload =
      action === "disable"
        ? (await client.request(DisableKey, input)).disableKey
        : action === "enable"
          ? (await client.request(EnableKey, input)).enableKey
          : (await client.request(ApproveKey, input)).approveKey;
    const [refusal] = payload.userErrors;
    return refusal ? { key: null, failure: refusal.message } : { key: payload.key ?? null, failure: null };
  } catch (error) {
    return { key: null, failure: plainWords(error) };
  }
}
