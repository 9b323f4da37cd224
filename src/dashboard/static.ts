// The dashboard's static files: the page (a fixed list of files found in the page folder when the
// server starts; only those names are ever served) and two vendor scripts, vega and vega-lite, read
// from their installed packages so the page works offline with no build step. A request path is a
// lookup key, never joined onto a folder. The guard against traversal attempts is in server.ts.

import { existsSync, readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

export interface StaticFile {
  file: string; // absolute path
  type: string;
  cache: string; // Cache-Control
}

/** The page folder: next to this module (running from src/), or src/dashboard/page from dist/. */
export function pageDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, "page"), join(here, "..", "..", "src", "dashboard", "page")];
  const dir = candidates.find((d) => existsSync(join(d, "index.html")));
  if (!dir) throw new Error(`dashboard page not found (looked in ${candidates.join(", ")})`);
  return dir;
}

/** A module's installed build file, found from the package's resolved entry point. */
function vendorFile(pkg: string, file: string): string {
  const entry = fileURLToPath(import.meta.resolve(pkg));
  const path = join(dirname(entry), file);
  if (!existsSync(path)) throw new Error(`dashboard: ${pkg}'s ${file} is missing (is ${pkg} installed?)`);
  return path;
}

/** name (as requested, no leading slash) → file; built once, served by exact-name lookup. */
export function staticFiles(dir: string = pageDir()): Map<string, StaticFile> {
  const out = new Map<string, StaticFile>();
  for (const name of readdirSync(dir)) {
    const ext = name.slice(name.lastIndexOf("."));
    const type = TYPES[ext];
    if (type === undefined || !/^[A-Za-z0-9_-]+\.[a-z]+$/.test(name)) continue;
    out.set(name, { file: join(dir, name), type, cache: "no-cache" });
  }
  const js = TYPES[".js"]!;
  out.set("vendor/vega.min.js", { file: vendorFile("vega", "vega.min.js"), type: js, cache: "public, max-age=3600" });
  out.set("vendor/vega-lite.min.js", { file: vendorFile("vega-lite", "vega-lite.min.js"), type: js, cache: "public, max-age=3600" });
  return out;
}

export async function readStatic(f: StaticFile): Promise<Buffer> {
  return readFile(f.file);
}

/**
 * True when a raw request target tries to leave its folder or is otherwise malformed: a `..` or `.`
 * segment (also percent-encoded, once or twice), a backslash, a NUL, an empty segment ("//", an
 * absolute path smuggled in), or undecodable percent-escapes.
 */
export function badPath(rawUrl: string): boolean {
  let p = rawUrl.split("?")[0] ?? "";
  for (let i = 0; i < 3; i++) {
    if (/(^|\/)\.{1,2}(\/|$)/.test(p) || p.includes("\\") || p.includes("\0") || p.includes("//") || !p.startsWith("/")) return true;
    let d: string;
    try {
      d = decodeURIComponent(p);
    } catch {
      return true;
    }
    if (d === p) return false;
    p = d;
  }
  return true; // still changing after three decodings
}
