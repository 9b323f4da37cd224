// Shared helpers of the playground tests: (re)builds the browser bundles when a source on their path
// is newer (one build at a time across test files), a plain static file server over a folder (node's
// http, exact file names, no special headers), and the page's results read out of window.__playground.
// Test-only; the library never imports this.

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import type { Page } from "playwright-core";
import { ensureBuilt, ROOT } from "../sweep/helpers.js";

export { ROOT };

const BUNDLED_FROM = ["src/playground", "src/train", "src/models", "src/metrics", "src/tensor", "src/data", "src/kernels", "src/experiments"];

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** dist/ up to date (tsc, wasm present) and the playground bundles rebuilt if any source is newer. */
export function ensurePlayground(): void {
  ensureBuilt();
  const lock = join(tmpdir(), `grokscale-playground-build-${Buffer.from(ROOT).toString("hex").slice(-24)}.lock`);
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      const st = statSync(lock, { throwIfNoEntry: false });
      if (st && Date.now() - st.mtimeMs > 120_000) rmdirSync(lock); // left by a killed test run
      execFileSync("sleep", ["0.2"]);
    }
  }
  try {
    const out = join(ROOT, "dist", "playground-web", "worker.js");
    const src = Math.max(...BUNDLED_FROM.map((d) => newest(join(ROOT, d))));
    if (!existsSync(out) || statSync(out).mtimeMs < src) execFileSync(process.execPath, [join(ROOT, "scripts", "build-playground.mjs")], { cwd: ROOT, stdio: "pipe" });
    for (const w of ["kernels-f32.wasm", "kernels-f64.wasm"]) if (!existsSync(join(ROOT, "dist", "kernels", w))) throw new Error(`dist/kernels/${w} missing: run npm run build`);
  } finally {
    rmdirSync(lock);
  }
}

const TYPES: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".wasm": "application/wasm" };

/** A plain static file server over dir: GET /name serves dir/name, / serves index.html, else 404. */
export async function staticServer(dir: string): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const names = new Set(readdirSync(dir));
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? "/").split("?")[0]!);
    const name = path === "/" ? "index.html" : path.slice(1);
    if (req.method !== "GET" || !names.has(name)) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(name)] ?? "application/octet-stream" }).end(readFileSync(join(dir, name)));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return { url: `http://127.0.0.1:${port}/`, server, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export interface PageArm {
  status: string;
  config: Record<string, unknown>;
  seed: number;
  T_mem: number | null;
  T_grok: number | null;
  steps_per_s: number;
  rows: Array<Record<string, unknown>>;
  spectra: number[][];
  result: { T_mem: number | null; T_grok: number | null; steps_run: number; status: string; final: Record<string, unknown> | null; log: Array<Record<string, unknown>> } | null;
  error: string | null;
}

/** Waits until the page has booted (its store probe answered). */
export async function pageReady(page: Page): Promise<void> {
  await page.waitForFunction(() => (window as any).__playground?.ready === true, undefined, { timeout: 30_000 });
}

/** Waits until every arm has finished (or one failed) and returns the arms as the page holds them. */
export async function armsWhenDone(page: Page, timeoutMs = 90_000): Promise<PageArm[]> {
  await page.waitForFunction(() => {
    const arms = (window as any).__playground.arms as Array<{ status: string }>;
    return arms.every((a) => a.status === "done") || arms.some((a) => a.status === "error");
  }, undefined, { timeout: timeoutMs, polling: 200 });
  return page.evaluate(() => (window as any).__playground.arms.map((a: any) => ({ ...a, worker: null })));
}
