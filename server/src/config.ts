import type { LookupAddress } from "node:dns";
import { readFileSync } from "node:fs";
import path from "node:path";
import proxyaddr from "@fastify/proxy-addr";
import { config as loadDotenv } from "dotenv";
import ipaddr from "ipaddr.js";
import { z } from "zod";
import { parseTrustedIssuers, type TrustedIssuer } from "./federation/issuer-config";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** `true` or `false`, defaulting to `fallback`. */
function flag(fallback: boolean) {
  return z
    .enum(["true", "false"])
    .default(fallback ? "true" : "false")
    .transform((value) => value === "true");
}

/** A base64 string that decodes to exactly `bytes` bytes (`openssl rand -base64 32`). */
function base64Key(bytes: number) {
  return z.string().refine((value) => Buffer.from(value, "base64").length === bytes, `must be ${bytes} bytes, base64-encoded`);
}

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).default("127.0.0.1"),
  // A second port that serves POST /v1/keys/verify only, from a thread of its own (verify-listener).
  VERIFY_PORT: z.preprocess((value) => (value === "" ? undefined : value), z.coerce.number().int().min(0).max(65535).optional()),
  DATABASE_URL: z
    .string()
    .url()
    .refine((url) => /^postgres(ql)?:/.test(url), "must be a postgres:// or postgresql:// URL")
    .optional(),
  LATCHKEY_DATA_DIR: z.string().min(1).default("./.latchkey"),
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** Port of the embedded PostgreSQL; 0 picks a free one. */
  EMBEDDED_POSTGRES_PORT: z.coerce.number().int().min(0).max(65535).default(54329),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .int()
    .positive()
    .default(24 * 30),
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().positive().default(12),
  GRAPHQL_MAX_COST: z.coerce.number().int().positive().default(20000),
  LATCHKEY_KEY_PEPPER: base64Key(32).optional(),
  LATCHKEY_MASTER_KEY: base64Key(32).optional(),
  LATCHKEY_PREVIOUS_MASTER_KEYS: z
    .string()
    .optional()
    .transform((value) => (value ? value.split(",").map((key) => key.trim()) : []))
    .pipe(z.array(base64Key(32))),
  /** How long a verification result may be served from memory; revocations evict it at once. */
  KEY_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  /** How long a caller (session, memberships and permissions) may be served from memory; changes evict it at once. */
  CALLER_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  /** How many sessions, and how many users' permissions, that cache keeps at most. */
  CALLER_CACHE_ENTRIES: z.coerce.number().int().positive().default(10_000),
  /** How long a verified JWT (ours or a trusted issuer's) is served without a signature check; never past its `exp`. */
  TOKEN_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(60),
  /** How many verified JWTs that cache keeps at most. */
  TOKEN_CACHE_ENTRIES: z.coerce.number().int().positive().default(10_000),
  /** How often key usage (`lastUsedAt`) is written, in one batch. */
  KEY_USAGE_FLUSH_SECONDS: z.coerce.number().min(0.1).max(300).default(5),
  /**
   * How often a long-lived subscription makes sure the credential it was opened with still stands
   * (checked when an event arrives); 0 checks on every event.
   */
  SUBSCRIPTION_RECHECK_SECONDS: z.coerce.number().min(0).max(3600).default(5),
  /**
   * How often the job worker looks for jobs that have come due (webhook retries, for one): new jobs
   * it hears of at once.
   */
  JOB_POLL_INTERVAL_SECONDS: z.coerce.number().min(0.05).max(60).default(1),
  /** Run the job-queue worker (expiry sweeps) in this process. */
  SCHEDULER_ENABLED: z
    .enum(["true", "false"])
    .default("true")
    .transform((value) => value === "true"),
  /** Accounts one client address may create an hour (`signUp`). */
  SIGN_UPS_PER_HOUR: z.coerce.number().int().positive().default(20),
  /** Password sign-ins one client address may try a minute, right or wrong. */
  SIGN_INS_PER_MINUTE: z.coerce.number().int().positive().default(100),
  /** Who may tell us the client's address in `X-Forwarded-For`: `false`, a proxy count, or proxy addresses. */
  TRUST_PROXY: z.string().default("false").transform(trustProxySetting),
  /**
   * Addresses or CIDR ranges webhooks may target although private or loopback: for development and
   * tests. Read once into canonical CIDR strings (`127.0.0.1/32`, `::1/128`, `10.0.0.0/8`).
   */
  WEBHOOK_ALLOWED_TARGETS: z.string().optional().transform(allowedTargets),
  /** Where deliveries may connect at all: `public` (the SSRF rule alone), `loopback` or `none`. */
  WEBHOOK_EGRESS: z.enum(["public", "loopback", "none"]).default("public"),
  WEBHOOK_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(60).default(15),
  /** Seconds between a failed delivery and its next retry: by default seven retries over about 28 hours. */
  WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .default("5,300,1800,7200,18000,36000,36000")
    .transform((value) => value.split(",").map(Number))
    .pipe(
      z
        .array(
          z
            .number()
            .min(0)
            .max(7 * 86_400),
        )
        .min(1),
    ),
  /** An endpoint that has failed every attempt for this long is disabled (5 days). */
  WEBHOOK_DISABLE_AFTER_SECONDS: z.coerce
    .number()
    .min(0)
    .default(5 * 86_400),
  /** The origin clients reach us at, and the OAuth issuer. Never taken from a request's Host header. */
  PUBLIC_URL: z.string().optional().transform(publicUrl),
  /** Browser origins that may call GraphQL, verify and token from their pages (see http/cors.ts). */
  CORS_ORIGINS: z.string().optional().transform(corsOrigins),
  /** Identity providers whose JWTs sign people in, as a JSON array (see README, "Sign-in from your identity provider"). */
  AUTH_ISSUERS: z.string().optional(),
  /** A file holding the same JSON array, instead of `AUTH_ISSUERS`. */
  AUTH_ISSUERS_FILE: z.string().optional(),
  /**
   * The shortest time between two fetches of one issuer's keys (or discovery document): a token
   * with an unknown `kid` refetches at most this often, and a failed discovery is retried after it.
   */
  AUTH_JWKS_COOLDOWN_SECONDS: z.coerce.number().min(0).max(3600).default(10),
  /** Whether `signUp` may create password accounts; off when people sign in through the host's identity provider. */
  PASSWORD_SIGNUP: flag(true),
  /** Whether password `signIn` is allowed at all (accounts that have a password keep it either way). */
  PASSWORD_SIGNIN: flag(true),
});

/** In production nothing can stand in for `PUBLIC_URL`: the listen address is rarely what clients see. */
const checkedSchema = schema.superRefine((values, context) => {
  if (values.NODE_ENV !== "production" || values.PUBLIC_URL) return;
  context.addIssue({
    code: z.ZodIssueCode.custom,
    path: ["PUBLIC_URL"],
    message: "is required in production: the address clients reach Latchkey at (the OAuth issuer), e.g. https://latchkey.example.com",
  });
});

/** The trusted issuers, from `AUTH_ISSUERS` or the file `AUTH_ISSUERS_FILE` (not both). */
function trustedIssuers(values: z.infer<typeof schema>, context: z.RefinementCtx): TrustedIssuer[] {
  const { AUTH_ISSUERS: json, AUTH_ISSUERS_FILE: file } = values;
  const reportAt = (variable: string) => (message: string) => context.addIssue({ code: z.ZodIssueCode.custom, path: [variable], message });
  if (json?.trim() && file?.trim()) {
    reportAt("AUTH_ISSUERS_FILE")("set AUTH_ISSUERS or AUTH_ISSUERS_FILE, not both");
    return [];
  }
  if (!file?.trim()) return parseTrustedIssuers(json, reportAt("AUTH_ISSUERS"));
  let text: string;
  try {
    text = readFileSync(file.trim(), "utf8");
  } catch (error) {
    const reason = error instanceof Error && "code" in error ? String(error.code) : "unreadable";
    reportAt("AUTH_ISSUERS_FILE")(`cannot read "${file}" (${reason})`);
    return [];
  }
  return parseTrustedIssuers(text, reportAt("AUTH_ISSUERS_FILE"));
}

const configSchema = checkedSchema.transform((values, context) => ({ ...values, trustedIssuers: trustedIssuers(values, context) }));

/**
 * `PUBLIC_URL` as an origin without a trailing slash (`https://latchkey.example.com`). The OAuth
 * issuer must be an http(s) URL without query or fragment (RFC 8414 §2); our endpoints sit at the
 * root, so a path is refused rather than silently ignored.
 */
function publicUrl(value: string | undefined, context: z.RefinementCtx): string | undefined {
  if (!value?.trim()) return undefined;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    context.addIssue({ code: z.ZodIssueCode.custom, message: `"${value}" is not a URL; use e.g. https://latchkey.example.com` });
    return z.NEVER;
  }
  const problem =
    url.protocol !== "https:" && url.protocol !== "http:"
      ? "must be an http:// or https:// URL"
      : url.username || url.password
        ? "must not carry credentials"
        : url.pathname !== "/" || url.search || url.hash
          ? "must be an origin only (scheme, host and port), without path, query or fragment"
          : null;
  if (problem) {
    context.addIssue({ code: z.ZodIssueCode.custom, message: `${problem}, e.g. https://latchkey.example.com` });
    return z.NEVER;
  }
  return url.origin;
}

/**
 * `TRUST_PROXY`, read as Express and Fastify read `trust proxy`, except `true`: trusting every hop
 * lets any client choose its own address (and so pass a key's address allowlist), so we refuse it.
 */
function trustProxySetting(value: string, context: z.RefinementCtx): TrustProxySetting {
  const text = value.trim();
  if (text === "false" || text === "" || text === "0") return false;
  if (text === "true") {
    context.addIssue({
      code: z.ZodIssueCode.custom,
      message:
        "`true` would trust every X-Forwarded-For entry, which clients can forge; set the number of proxies in front of Latchkey (e.g. 1) or their addresses",
    });
    return z.NEVER;
  }
  if (/^\d+$/.test(text)) return { hops: Number(text) };
  const addresses = text.split(",").map((address) => address.trim());
  for (const address of addresses) {
    if (!isTrustableProxy(address)) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        message: `"${address}" is not an IP address, a CIDR range, loopback, linklocal or uniquelocal; use false, a number of proxies, or proxy addresses, comma-separated`,
      });
    }
  }
  return { addresses };
}

/** What proxy-addr, which applies the setting, accepts as a proxy address. */
function isTrustableProxy(address: string): boolean {
  try {
    proxyaddr.compile(address);
    return true;
  } catch {
    return false;
  }
}

/** `WEBHOOK_ALLOWED_TARGETS`, comma-separated, as canonical CIDR strings without duplicates. */
function allowedTargets(value: string | undefined, context: z.RefinementCtx): string[] {
  if (!value?.trim()) return [];
  const ranges = new Set<string>();
  for (const entry of value.split(",").map((text) => text.trim())) {
    const range = canonicalTarget(entry);
    if (range) ranges.add(range);
    else {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        message: `"${entry}" is not a dotted-quad IPv4 address, an IPv6 address or a CIDR range of either (e.g. 127.0.0.1, ::1, 10.0.0.0/8), comma-separated`,
      });
    }
  }
  return [...ranges];
}

/**
 * One allowed webhook target as a canonical CIDR string (`ipaddr.js`'s `toString()` of the network
 * address, `/32` or `/128` for a single address), or null when it is not well-formed. Only dotted
 * quads count as IPv4: `127.1`, `2130706433`, `0x7f.0.0.1` and `1.2.3.04` are refused rather than
 * read one way here and another way elsewhere. IPv6 zone indices (`fe80::1%eth0`) are refused too.
 */
export function canonicalTarget(entry: string): string | null {
  const [address = "", bits, ...rest] = entry.split("/");
  if (rest.length > 0 || address.includes("%")) return null;
  const kind = ipaddr.IPv4.isValidFourPartDecimal(address) ? ipaddr.IPv4 : ipaddr.IPv6.isValid(address) ? ipaddr.IPv6 : null;
  if (!kind) return null;
  if (bits === undefined) {
    const parsed = kind.parse(address);
    return `${parsed.toString()}/${parsed.kind() === "ipv4" ? 32 : 128}`;
  }
  if (!/^\d{1,3}$/.test(bits)) return null;
  try {
    const [, prefixLength] = kind.parseCIDR(entry);
    return `${kind.networkAddressFromCIDR(entry).toString()}/${prefixLength}`;
  } catch {
    return null;
  }
}

/**
 * `CORS_ORIGINS`, comma-separated, each as a browser writes it in `Origin` (`https://app.example.com`:
 * lower-case host, no default port, no trailing slash). Exact origins only: a wildcard would let any
 * page matching it read what Latchkey answers its visitors' tokens, and `null` is what sandboxed
 * frames and files send, whoever wrote them.
 */
function corsOrigins(value: string | undefined, context: z.RefinementCtx): string[] {
  if (!value?.trim()) return [];
  const origins = new Set<string>();
  for (const entry of value.split(",").map((text) => text.trim())) {
    const origin = exactOrigin(entry);
    if (typeof origin === "string") origins.add(origin);
    else context.addIssue({ code: z.ZodIssueCode.custom, message: `"${entry}" ${origin.problem}` });
  }
  return [...origins];
}

function exactOrigin(entry: string): string | { problem: string } {
  const example = "list exact origins such as https://app.example.com, comma-separated";
  if (entry === "*") return { problem: `would let every website read what Latchkey answers its visitors' tokens; ${example}` };
  if (entry.includes("*")) return { problem: `is a wildcard: any site matching it could read Latchkey's answers; ${example}` };
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    return { problem: `is not an origin; ${example}` };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { problem: `is not an http:// or https:// origin; ${example}` };
  if (url.username || url.password || url.pathname !== "/" || url.search || url.hash || entry.endsWith("?") || entry.endsWith("#")) {
    return { problem: `must be an origin only (scheme, host and port), without path, query or credentials; ${example}` };
  }
  return url.origin;
}

/** `false`, how many proxies stand in front of the server, or which addresses are proxies. */
export type TrustProxySetting = false | { hops: number } | { addresses: string[] };

export interface Config {
  port: number;
  host: string;
  /** Where the verify listener listens (on `host`); undefined: none, and verify is served on `port` only. */
  verifyPort: number | undefined;
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: (typeof LOG_LEVELS)[number];
  environment: "development" | "production" | "test";
  embeddedPostgresPort: number;
  sessionTtlHours: number;
  graphqlMaxDepth: number;
  graphqlMaxCost: number;
  keyPepper: string | undefined;
  masterKey: string | undefined;
  previousMasterKeys: string[];
  keyCacheSeconds: number;
  keyUsageFlushSeconds: number;
  /** The cache of callers: `CALLER_CACHE_SECONDS` in milliseconds, and `CALLER_CACHE_ENTRIES`. */
  callerCache: { ttlMs: number; maxEntries: number };
  /** The cache of verified JWTs: `TOKEN_CACHE_SECONDS` in milliseconds, and `TOKEN_CACHE_ENTRIES`. */
  tokenCache: { ttlMs: number; maxEntries: number };
  /** How often a subscription re-checks its credential, in milliseconds (`SUBSCRIPTION_RECHECK_SECONDS`). */
  subscriptionRecheckMs: number;
  trustProxy: TrustProxySetting;
  authLimits: { signUpsPerHour: number; signInsPerMinute: number };
  schedulerEnabled: boolean;
  /** How often the job worker polls for due jobs, in milliseconds (`JOB_POLL_INTERVAL_SECONDS`). */
  jobPollIntervalMs: number;
  webhooks: WebhookConfig;
  /** The OAuth issuer; unset outside production means the listen address (`http://HOST:PORT`). */
  publicUrl: string | undefined;
  /** Browser origins allowed to call Latchkey from their pages (`CORS_ORIGINS`), as `Origin` spells them. */
  corsOrigins: string[];
  federation: FederationConfig;
}

/** Sign-in from the host's identity providers, and whether passwords remain a way in. */
export interface FederationConfig {
  trustedIssuers: TrustedIssuer[];
  /** `AUTH_JWKS_COOLDOWN_SECONDS` in milliseconds. */
  jwksCooldownMs: number;
  passwordSignUp: boolean;
  passwordSignIn: boolean;
}

/**
 * How far webhook deliveries may reach, checked on the address each connection is about to open:
 * `public` where the SSRF rule allows, `loopback` only loopback addresses the rule allows too
 * (tests, local development), `none` nowhere (a staging copy of production data).
 */
export type WebhookEgress = "public" | "loopback" | "none";

/** Resolves a host name to every address it has, as `dns.promises.lookup(host, { all: true })` does. */
export type HostResolver = (hostname: string) => Promise<LookupAddress[]>;

export interface WebhookConfig {
  allowedTargets: string[];
  egress: WebhookEgress;
  /**
   * How webhook targets' names are resolved, when saved and when delivered to: the system resolver
   * unless set. Never read from the environment; the test harness sets it so that names under
   * `.test` resolve to addresses of its choosing.
   */
  resolve?: HostResolver;
  timeoutMs: number;
  retryScheduleMs: number[];
  disableAfterMs: number;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Reads the environment (and a `.env` file, which never overrides real variables) once, and fails
 * with every problem listed so that an operator fixes them in one go.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, { dotenv = true } = {}): Config {
  if (dotenv) loadDotenv({ quiet: true } as never);
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${problems.join("\n")}`);
  }
  const values = parsed.data;
  return {
    port: values.PORT,
    host: values.HOST,
    verifyPort: values.VERIFY_PORT,
    databaseUrl: values.DATABASE_URL,
    dataDir: path.resolve(values.LATCHKEY_DATA_DIR),
    logLevel: values.LOG_LEVEL,
    environment: values.NODE_ENV,
    embeddedPostgresPort: values.EMBEDDED_POSTGRES_PORT,
    sessionTtlHours: values.SESSION_TTL_HOURS,
    graphqlMaxDepth: values.GRAPHQL_MAX_DEPTH,
    graphqlMaxCost: values.GRAPHQL_MAX_COST,
    keyPepper: values.LATCHKEY_KEY_PEPPER,
    masterKey: values.LATCHKEY_MASTER_KEY,
    previousMasterKeys: values.LATCHKEY_PREVIOUS_MASTER_KEYS,
    keyCacheSeconds: values.KEY_CACHE_SECONDS,
    keyUsageFlushSeconds: values.KEY_USAGE_FLUSH_SECONDS,
    callerCache: { ttlMs: values.CALLER_CACHE_SECONDS * 1000, maxEntries: values.CALLER_CACHE_ENTRIES },
    tokenCache: { ttlMs: values.TOKEN_CACHE_SECONDS * 1000, maxEntries: values.TOKEN_CACHE_ENTRIES },
    subscriptionRecheckMs: values.SUBSCRIPTION_RECHECK_SECONDS * 1000,
    trustProxy: values.TRUST_PROXY,
    authLimits: { signUpsPerHour: values.SIGN_UPS_PER_HOUR, signInsPerMinute: values.SIGN_INS_PER_MINUTE },
    schedulerEnabled: values.SCHEDULER_ENABLED,
    jobPollIntervalMs: values.JOB_POLL_INTERVAL_SECONDS * 1000,
    webhooks: {
      allowedTargets: values.WEBHOOK_ALLOWED_TARGETS,
      egress: values.WEBHOOK_EGRESS,
      timeoutMs: values.WEBHOOK_TIMEOUT_SECONDS * 1000,
      retryScheduleMs: values.WEBHOOK_RETRY_SCHEDULE.map((seconds) => seconds * 1000),
      disableAfterMs: values.WEBHOOK_DISABLE_AFTER_SECONDS * 1000,
    },
    publicUrl: values.PUBLIC_URL,
    corsOrigins: values.CORS_ORIGINS,
    federation: {
      trustedIssuers: values.trustedIssuers,
      jwksCooldownMs: values.AUTH_JWKS_COOLDOWN_SECONDS * 1000,
      passwordSignUp: values.PASSWORD_SIGNUP,
      passwordSignIn: values.PASSWORD_SIGNIN,
    },
  };
}
