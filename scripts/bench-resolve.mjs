// Times sweep-spec resolution against the number of seeds (issue: it was quadratic). Prints one
// line per size with the milliseconds and the ratio to the previous size; linear resolution gives
// ratios near the size ratio (10). A measurement, not a test: run by hand after `npm run build`.
//   node scripts/bench-resolve.mjs [10000 100000 1000000]
import { resolveSweepSpec } from "../dist/experiments/sweep-spec.js";

const sizes = process.argv.slice(2).map(Number);
const base = { p: 7, d_embed: 8, hidden: 16, steps: 10 };
let prev = null;
for (const n of sizes.length ? sizes : [10_000, 100_000, 1_000_000]) {
  const t0 = performance.now();
  const r = resolveSweepSpec({ name: "bench", seeds: n, base });
  const ms = performance.now() - t0;
  console.log(`${n} seeds: ${r.jobs.length} jobs in ${ms.toFixed(0)} ms${prev ? `, ${(ms / prev).toFixed(1)}x the previous size` : ""}`);
  prev = ms;
}
