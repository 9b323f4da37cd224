// Bundles the browser playground with esbuild: src/playground/main.ts -> dist/playground-web/playground.js
// (the page) and src/playground/worker.ts -> dist/playground-web/worker.js (the trainer, models, metrics and
// wasm kernel wrapper), and copies the page's HTML and CSS next to them. The wasm kernels themselves
// stay in dist/kernels (scripts/build-wasm.mjs); src/playground/site.ts serves or copies them from there.
// node:fs on the trainer's path is mapped to src/playground/node-stub.ts; any other node: import fails.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const src = join(root, "src", "playground");
const out = join(root, "dist", "playground-web"); // not dist/playground, where tsc puts the Node-side modules
mkdirSync(out, { recursive: true });

const STUBBED = new Set(["node:fs", "node:fs/promises"]);
const browserSeams = {
  name: "browser-seams",
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => {
      if (STUBBED.has(args.path)) return { path: join(src, "node-stub.ts") };
      return { errors: [{ text: `${args.path} (imported by ${args.importer}) has no place in the browser bundle` }] };
    });
  },
};

await build({
  entryPoints: { playground: join(src, "main.ts"), worker: join(src, "worker.ts") },
  outdir: out,
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  minify: true,
  sourcemap: false,
  legalComments: "none",
  logLevel: "warning",
  plugins: [browserSeams],
});
copyFileSync(join(src, "page", "index.html"), join(out, "index.html"));
copyFileSync(join(src, "page", "playground.css"), join(out, "playground.css"));
console.log("build-playground: dist/playground-web/index.html, playground.js, worker.js, playground.css");
