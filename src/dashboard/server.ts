// The dashboard server: a fastify app over one read-only results store, serving the page, its vendor
// scripts and the JSON/SSE API. It binds 127.0.0.1 unless told otherwise, refuses traversal attempts
// and other malformed paths (400), unknown paths (404, JSON), foreign Host headers on a loopback bind
// (421, against DNS rebinding) and requests with several Host headers (400), caps the live streams
// of one client address (429), and answers 503 while the store stays locked. It never writes the store.
// buildServer returns the app unstarted (tests inject requests); startServer listens.

import { readFile } from "node:fs/promises";
import Fastify, { type FastifyInstance } from "fastify";
import { registerApi, NotFound } from "./api.js";
import { StoreBusyError, StoreReader } from "./db.js";
import { AnalysisCache } from "./experiments.js";
import { LiveHub } from "./live.js";
import { siteFiles, type SiteFile } from "../playground/site.js";
import { badPath, readStatic, staticFiles } from "./static.js";

export interface ServerOptions {
  store: string;
  /** default 127.0.0.1 */
  host?: string;
  /** default 8177; 0 picks a free port */
  port?: number;
  /** ms between polls of the live table (default 500) */
  pollMs?: number;
  /** bootstrap resamples of the analysis (default 4000, as the report) */
  resamples?: number;
  /** while results keep landing, recompute the analysis at most this often (ms, default 5000) */
  analysisMinAgeMs?: number;
  /** ms a read keeps retrying while the store is locked before answering 503 (default 5000) */
  busyRetryMs?: number;
  /** fastify's request log (default off) */
  logger?: boolean;
  /** open live streams allowed per remote address (default 16) */
  maxStreamsPerClient?: number;
}

export const DEFAULT_PORT = 8177;
export const DEFAULT_HOST = "127.0.0.1";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

const SECURITY_HEADERS: Record<string, string> = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  // vega compiles its expressions with Function(), hence 'unsafe-eval'; the playground's workers compile
  // the wasm kernels, hence 'wasm-unsafe-eval' (which allows WebAssembly compilation and nothing else);
  // nothing is loaded from elsewhere
  "content-security-policy":
    "default-src 'self'; script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
};

export interface Dashboard {
  app: FastifyInstance;
  reader: StoreReader;
  hub: LiveHub;
}

/** Builds the app over the store at opts.store (which must exist); call app.close() to release it. */
export async function buildServer(opts: ServerOptions): Promise<Dashboard> {
  const host = opts.host ?? DEFAULT_HOST;
  const reader = new StoreReader(opts.store, opts.busyRetryMs === undefined ? {} : { retryForMs: opts.busyRetryMs });
  const hub = new LiveHub(reader, opts.pollMs ?? 500);
  const analysis = new AnalysisCache(reader, opts.resamples ?? 4000, opts.analysisMinAgeMs ?? 5000);
  const files = staticFiles();
  const app = Fastify({
    logger: opts.logger ?? false,
    // refuse unknown query keys instead of silently dropping them
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true, allErrors: false } },
    routerOptions: { maxParamLength: 200 },
    bodyLimit: 1024,
  });

  app.addHook("onRequest", async (req, reply) => {
    if (badPath(req.raw.url ?? "/")) return reply.code(400).send({ error: "bad request", message: "malformed or traversing path" });
    let hosts = 0;
    for (let i = 0; i < req.raw.rawHeaders.length; i += 2) if (req.raw.rawHeaders[i]!.toLowerCase() === "host") hosts++;
    if (hosts > 1) return reply.code(400).send({ error: "bad request", message: "more than one Host header" });
    if (LOOPBACK.has(host)) {
      const h = (req.headers.host ?? "").replace(/:\d+$/, "");
      if (!LOOPBACK.has(h)) return reply.code(421).send({ error: "misdirected request", message: `host ${h} is not served here` });
    }
    return undefined;
  });
  app.addHook("onSend", async (_req, reply, payload) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
    return payload;
  });

  app.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown }, _req, reply) => {
    if (err.validation !== undefined) return reply.code(400).send({ error: "bad request", message: err.message });
    if (err instanceof NotFound) return reply.code(404).send({ error: "not found", message: err.message });
    if (err instanceof StoreBusyError) return reply.code(503).header("retry-after", "1").send({ error: "store busy", message: err.message });
    const code = err.statusCode;
    if (code !== undefined && code >= 400 && code < 500) return reply.code(code).send({ error: "bad request", message: err.message });
    app.log.error(err);
    return reply.code(500).send({ error: "internal error", message: err.message });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: "not found", message: `${req.method} ${req.url.split("?")[0]}` }));

  registerApi(app, { reader, analysis, hub, ...(opts.maxStreamsPerClient !== undefined ? { maxStreamsPerClient: opts.maxStreamsPerClient } : {}) });

  const serve = (name: string) => async (_req: unknown, reply: import("fastify").FastifyReply) => {
    const f = files.get(name);
    if (!f) return reply.code(404).send({ error: "not found", message: name });
    return reply.header("content-type", f.type).header("cache-control", f.cache).send(await readStatic(f));
  };
  // the playground (src/playground): its built files from dist/, looked up by exact name
  let playground: Map<string, SiteFile> | Error | null = null;
  const servePlayground = async (name: string, reply: import("fastify").FastifyReply) => {
    if (playground === null) {
      try {
        playground = siteFiles();
      } catch (err) {
        playground = err as Error;
      }
    }
    if (playground instanceof Error) return reply.code(404).send({ error: "not found", message: playground.message });
    const f = playground.get(name);
    if (!f) return reply.code(404).send({ error: "not found", message: `playground/${name}` });
    return reply.header("content-type", f.type).header("cache-control", "no-cache").send(await readFile(f.file));
  };
  app.get("/playground", async (req, reply) => reply.redirect(`/playground/${req.url.includes("?") ? req.url.slice(req.url.indexOf("?")) : ""}`, 301));
  app.get("/playground/", async (_req, reply) => servePlayground("index.html", reply));
  app.get<{ Params: { file: string } }>("/playground/:file", async (req, reply) => servePlayground(req.params.file, reply));
  app.get("/", serve("index.html"));
  app.get<{ Params: { file: string } }>("/:file", async (req, reply) => serve(req.params.file)(req, reply));
  app.get<{ Params: { file: string } }>("/vendor/:file", async (req, reply) => serve(`vendor/${req.params.file}`)(req, reply));

  app.addHook("preClose", async () => hub.close());
  app.addHook("onClose", async () => reader.close());
  return { app, reader, hub };
}

/** Builds and listens; resolves with the address once the server accepts connections. */
export async function startServer(opts: ServerOptions): Promise<Dashboard & { url: string }> {
  const d = await buildServer(opts);
  try {
    await d.app.listen({ host: opts.host ?? DEFAULT_HOST, port: opts.port ?? DEFAULT_PORT });
  } catch (err) {
    await d.app.close();
    throw err;
  }
  const addr = d.app.server.address();
  const port = typeof addr === "object" && addr !== null ? addr.port : opts.port ?? DEFAULT_PORT;
  const host = opts.host ?? DEFAULT_HOST;
  return { ...d, url: `http://${host.includes(":") ? `[${host}]` : host}:${port}/` };
}
