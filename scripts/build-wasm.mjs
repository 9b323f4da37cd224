// Builds the WebAssembly SIMD kernels from src/kernels/assembly/ with the npm package assemblyscript,
// twice: `float` = f32 and f64 (the alias comes from --lib src/kernels/assembly/f32 or /f64).
// Output: dist/kernels/kernels-f32.wasm and kernels-f64.wasm (src/kernels/wasm.ts loads them).
// The modules import the arena's memory; their static data sits at --memoryBase inside its reserved MiB.
// Flags: --wat also writes the text form; --names keeps function names (asc --debug) for profiling.
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const asc = join(dirname(require.resolve("assemblyscript/package.json")), "bin", "asc.js");
const src = "src/kernels/assembly"; // relative to root: asc's --lib wants a relative path
const out = join(root, "dist", "kernels");
mkdirSync(out, { recursive: true });

/** Where each build's static data goes; src/kernels/wasm.ts keeps the matching layout. */
const MEMORY_BASE = { f32: 4096, f64: 36864 };

for (const dtype of ["f32", "f64"]) {
  const args = [
    asc, `${src}/index.ts`,
    "--lib", `${src}/${dtype}`,
    "-O3", "--runtime", "stub", "--noAssert", "--enable", "simd",
    "--importMemory", "--noExportMemory", "--initialMemory", "16",
    "--memoryBase", String(MEMORY_BASE[dtype]),
    "-o", join(out, `kernels-${dtype}.wasm`),
    ...(process.argv.includes("--names") ? ["--debug"] : []),
    ...(process.argv.includes("--wat") ? ["-t", join(out, `kernels-${dtype}.wat`)] : []),
  ];
  const r = spawnSync(process.execPath, args, { stdio: "inherit", cwd: root });
  if (r.status !== 0) {
    console.error(`build-wasm: asc failed for ${dtype}`);
    process.exit(r.status ?? 1);
  }
}
console.log("build-wasm: dist/kernels/kernels-f32.wasm, kernels-f64.wasm");
