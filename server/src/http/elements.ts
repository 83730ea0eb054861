import { readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Logger } from "../observability/logger";

/** The major version of the elements' public surface (tags, attributes, properties, events, parts). */
export const ELEMENTS_VERSION = "v1";
export const ELEMENTS_PATH = `/elements/${ELEMENTS_VERSION}/latchkey-elements.js`;
export const ELEMENTS_MANIFEST_PATH = `/elements/${ELEMENTS_VERSION}/manifest.json`;
/** Built by `server/elements/scripts/build.mjs`; the same relative place from `src/http` and `dist/http`. */
const ELEMENTS_DIST = path.resolve(__dirname, "../../elements/dist");

/** The bundle as the build left it, ready to serve. */
export interface ElementsBundle {
  body: Buffer;
  gzipped: Buffer;
  /** `sha384-…`, for the `integrity` attribute of a host's `<script>`. */
  integrity: string;
  /** The content-addressed path, cached for a year: what a host with `integrity` should load. */
  pinnedPath: string;
  etag: string;
}

export function loadElementsBundle(dir: string = ELEMENTS_DIST): ElementsBundle {
  const manifest = JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8")) as { integrity: string };
  const body = readFileSync(path.join(dir, "latchkey-elements.js"));
  // The hash in the path is the integrity hash made URL-safe, so the two can never disagree.
  const digest = manifest.integrity
    .replace(/^sha384-/, "")
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
  return {
    body,
    gzipped: gzipSync(body, { level: 9 }),
    integrity: manifest.integrity,
    pinnedPath: `/elements/${ELEMENTS_VERSION}/${digest.slice(0, 16)}/latchkey-elements.js`,
    etag: `"${digest.slice(0, 27)}"`,
  };
}

/**
 * Serves the elements as one ES module: at `ELEMENTS_PATH` (revalidated hourly, follows upgrades),
 * at a content-addressed path cached for a year (`immutable`, for pages that pin it with
 * `integrity`), and the manifest that names both. Anyone may load it from any origin: it is public
 * code and carries no credential, so `Access-Control-Allow-Origin: *` is safe and lets
 * `<script type="module" crossorigin integrity>` check it.
 */
export function registerElementRoutes(fastify: FastifyInstance, log: Logger): void {
  let bundle: ElementsBundle | null = null;
  try {
    bundle = loadElementsBundle();
  } catch (error) {
    log.warn({ err: error }, "the elements bundle is not built (run `pnpm build`): its paths answer 503");
  }

  const send = (request: FastifyRequest, reply: FastifyReply, cacheControl: string) => {
    if (!bundle) return reply.code(503).send({ error: "The elements bundle is not built on this server. Run `pnpm build`." });
    reply
      .header("content-type", "text/javascript; charset=utf-8")
      .header("cache-control", cacheControl)
      .header("etag", bundle.etag)
      .header("vary", "accept-encoding")
      .header("access-control-allow-origin", "*")
      .header("cross-origin-resource-policy", "cross-origin")
      .header("x-content-type-options", "nosniff");
    if (request.headers["if-none-match"] === bundle.etag) return reply.code(304).send();
    if (/\bgzip\b/.test(String(request.headers["accept-encoding"] ?? "")))
      return reply.header("content-encoding", "gzip").send(bundle.gzipped);
    return reply.send(bundle.body);
  };

  fastify.get(ELEMENTS_PATH, (request, reply) => send(request, reply, "public, max-age=3600"));
  fastify.get(`/elements/${ELEMENTS_VERSION}/:digest/latchkey-elements.js`, (request, reply) => {
    if (bundle && request.url.split("?")[0] !== bundle.pinnedPath) {
      return reply.code(404).send({ error: `This server serves ${bundle.pinnedPath}; see ${ELEMENTS_MANIFEST_PATH}.` });
    }
    return send(request, reply, "public, max-age=31536000, immutable");
  });
  fastify.get(ELEMENTS_MANIFEST_PATH, (_request, reply) => {
    if (!bundle) return reply.code(503).send({ error: "The elements bundle is not built on this server. Run `pnpm build`." });
    return reply
      .header("cache-control", "no-cache")
      .header("access-control-allow-origin", "*")
      .send({ version: ELEMENTS_VERSION, path: ELEMENTS_PATH, pinnedPath: bundle.pinnedPath, integrity: bundle.integrity });
  });
}
