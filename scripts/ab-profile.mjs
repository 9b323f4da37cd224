// The step profile (bench/profile.ts) of two builds, interleaved in one process: each category's
// milliseconds per step from the fastest instance of every call (fastest_ms; the smallest of the
// rounds) and its share of the step. The BEFORE build needs the profiler too: copy this build's
// dist/bench/profile.js into it (its trainer must have the instrument hook). A script, not a test:  node scripts/ab-profile.mjs BEFORE_DIST AFTER_DIST [p] [dtype] [steps] [rounds]
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [beforeDir, afterDir] = process.argv.slice(2, 4).map((d) => resolve(d));
const p = Number(process.argv[4] ?? 59);
const dtype = process.argv[5] ?? "f32";
const steps = Number(process.argv[6] ?? 200);
const rounds = Number(process.argv[7] ?? 3);
const load = async (dir) => await import(pathToFileURL(`${dir}/bench/profile.js`).href);
const mods = { before: await load(beforeDir), after: await load(afterDir) };
const best = { before: null, after: null };
for (let r = 0; r < rounds; r++) {
  for (const name of r % 2 ? ["after", "before"] : ["before", "after"]) {
    const pr = mods[name].profileSteps({ p, dtype }, steps);
    const ms = pr.fastest_ms;
    const b = best[name];
    best[name] = b ? Object.fromEntries(Object.entries(ms).map(([c, v]) => [c, Math.min(v, b[c])])) : ms;
  }
}
for (const name of ["before", "after"]) {
  const ms = best[name];
  const total = Object.values(ms).reduce((a, b) => a + b, 0);
  const nonGemm = 1 - ms.gemm / total;
  console.log(`${name} p=${p} ${dtype}: ${total.toFixed(2)} ms/step (from the fastest calls) | ` + Object.entries(ms).map(([c, v]) => `${c} ${v.toFixed(2)} (${((100 * v) / total).toFixed(1)}%)`).join(", ") + ` | non-GEMM ${(100 * nonGemm).toFixed(1)}%`);
}
