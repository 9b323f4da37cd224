// `grokscale playground --out DIR`: writes the browser playground (src/playground) as a self-contained
// static site: index.html, the page and worker bundles, the CSS and the wasm kernels. Any static file
// server can serve DIR (it needs http://, not file://, for the worker and the wasm fetch).

import { resolve } from "node:path";
import type { Command } from "commander";
import { writeSite } from "../playground/site.js";

export function registerPlayground(program: Command): void {
  program
    .command("playground")
    .description("write the browser playground (trains in the page with the same kernels) as a static site")
    .requiredOption("--out <dir>", "folder to write the site into")
    .action((flags: { out: string }) => {
      const dir = resolve(flags.out);
      const names = writeSite(dir);
      process.stdout.write(`grokscale playground: wrote ${names.length} files to ${dir} (${names.join(", ")}); serve it with any static file server\n`);
    });
}
