/**
 * The little of `oidc-provider` (v9, which ships no types) that the test harness uses. Written here
 * rather than adding `@types/oidc-provider`: the harness touches four members.
 */
declare module "oidc-provider" {
  import type { IncomingMessage, ServerResponse } from "node:http";

  export interface ProviderConfiguration {
    clients?: Array<Record<string, unknown>>;
    jwks?: { keys: Array<Record<string, unknown>> };
    cookies?: { keys: string[] };
    claims?: Record<string, string[]>;
    scopes?: string[];
    features?: Record<string, unknown>;
    ttl?: Record<string, number | ((...args: never[]) => number)>;
    pkce?: { required?: () => boolean };
    findAccount?: (ctx: unknown, subject: string) => Promise<{ accountId: string; claims: () => Promise<Record<string, unknown>> }>;
    extraTokenClaims?: (ctx: unknown, token: { accountId?: string }) => Promise<Record<string, unknown> | undefined>;
    clientBasedCORS?: (ctx: unknown, origin: string, client: { redirectUris: string[] }) => boolean;
    renderError?: (ctx: { type: string; body: unknown }, out: Record<string, unknown>) => Promise<void>;
  }

  export default class Provider {
    constructor(issuer: string, configuration: ProviderConfiguration);
    readonly issuer: string;
    proxy: boolean;
    callback(): (request: IncomingMessage, response: ServerResponse) => void;
  }
}
