#!/usr/bin/env node
// Several seeds in one worker: K seeds of one config trained round-robin, a step of each in turn (as a
// worker holding several seeds would run them), against the same K seeds one after another, in one
// thread. Each seed keeps its own split and weights (docs/study.md §2), so nothing is computed once
// for several seeds; what could change is how the caches hold K seeds' states. Run after `npm run
// build`, alone on the machine; prints ms per seed-step for both orders, alternating, `--reps` times.
//
//   node --no-wasm-stack-checks bench/seeds-per-worker.mjs --p 59 --dtype f32 --seeds 4 --steps 400
import { parseArgs } from "node:util";
import { resolveConfig } from "../dist/base/config.js";
import { seedSteps } from "../dist/train/trainer.js";

const { values: a } = parseArgs({
  options: { p: { type: "string", default: "59" }, dtype: { type: "string", default: "f32" }, seeds: { type: "string", default: "4" }, steps: { type: "string", default: "400" }, reps: { type: "string", default: "3" } },
});
const K = Number(a.seeds), steps = Number(a.steps);
const cfg = resolveConfig({ p: Number(a.p), dtype: a.dtype, steps, stop_on_grok: false });

/** ms per seed-step running the K seeds' step generators in the given order of turns. */
function timed(roundRobin) {
  const t0 = performance.now();
  if (roundRobin) {
    const runs = Array.from({ length: K }, (_, s) => seedSteps(cfg, s));
    let live = K;
    const done = new Array(K).fill(false);
    while (live > 0) for (let s = 0; s < K; s++) if (!done[s] && runs[s].next().done) { done[s] = true; live--; }
  } else {
    for (let s = 0; s < K; s++) { const run = seedSteps(cfg, s); while (!run.next().done); }
  }
  return (performance.now() - t0) / (K * steps);
}

console.log(`p${a.p} ${a.dtype}, ${K} seeds × ${steps} steps in one thread (ms per seed-step)`);
for (let r = 0; r < Number(a.reps); r++) {
  const one = timed(false), rr = timed(true);
  console.log(`one after another ${one.toFixed(3)}  round-robin ${rr.toFixed(3)}  ratio ${(rr / one).toFixed(3)}`);
}
