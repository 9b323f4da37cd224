// The playground as a set of static files (Node side; never bundled): the page, its two bundles and
// the wasm kernels, found in dist/ where `npm run build` puts them
// (dist/playground-web: the bundles; dist/kernels: the wasm). The dashboard serves them at
// /playground/ and `grokscale playground --out DIR` copies them into a self-contained static site.

import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface SiteFile {
  /** absolute path of the built file */
  file: string;
  type: string;
}

const PAGE: Record<string, string> = {
  "index.html": "text/html; charset=utf-8",
  "playground.js": "text/javascript; charset=utf-8",
  "worker.js": "text/javascript; charset=utf-8",
  "playground.css": "text/css; charset=utf-8",
};
const WASM = ["kernels-f32.wasm", "kernels-f64.wasm"];

/** dist/ (this module runs from dist/playground/ or from src/playground/). */
function distDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, ".."), join(here, "..", "..", "dist")];
  const dir = candidates.find((d) => existsSync(join(d, "playground-web", "index.html")));
  if (!dir) throw new Error("playground: the page is not built (run `npm run build`, which runs scripts/build-playground.mjs)");
  return dir;
}

/** name (flat, as requested) → built file; throws naming the missing file when the build is incomplete. */
export function siteFiles(): Map<string, SiteFile> {
  const dist = distDir();
  const out = new Map<string, SiteFile>();
  for (const [name, type] of Object.entries(PAGE)) out.set(name, { file: join(dist, "playground-web", name), type });
  for (const name of WASM) out.set(name, { file: join(dist, "kernels", name), type: "application/wasm" });
  for (const [name, f] of out) if (!existsSync(f.file)) throw new Error(`playground: ${name} is missing (${f.file}); run \`npm run build\``);
  return out;
}

/** Copies the site into dir (created if needed); returns the file names written. */
export function writeSite(dir: string): string[] {
  const files = siteFiles();
  mkdirSync(dir, { recursive: true });
  for (const [name, f] of files) copyFileSync(f.file, join(dir, name));
  return [...files.keys()];
}
