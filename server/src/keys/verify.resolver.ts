import { Arg, Ctx, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../graphql/context";
import { TooManyFailures } from "../graphql/errors";
import { KeyKind } from "./key-enums";
import { KeyVerification } from "./key-verification.type";
import { verificationView } from "./verification-view";

@Resolver()
export class VerifyKeyResolver {
  @Query(() => KeyVerification, {
    description:
      "Checks a key for services that use Latchkey as their key store. Pairs pass their public half as `accessKey`. Failures are rate limited per address.",
  })
  async verifyKey(
    @Arg("secret", () => String) secret: string,
    @Arg("accessKey", () => String, { nullable: true }) accessKey: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<KeyVerification> {
    const { failedAttempts, keyVerifier } = ctx.services;
    const address = ctx.origin.ipAddress;
    const kinds = accessKey ? [KeyKind.KEY_PAIR, KeyKind.BASIC, KeyKind.OAUTH_CLIENT] : [KeyKind.SECRET];
    const verification = await keyVerifier.verify({ secret, publicId: accessKey, kinds }, address);
    // Only failing attempts are throttled: a valid key is answered whatever its address did before.
    const verdict = verification.valid ? null : failedAttempts.failed(address, accessKey);
    if (verdict?.throttled) throw new TooManyFailures(verdict.retryAfterSeconds);
    return verificationView(verification);
  }
}
