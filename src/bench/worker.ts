// Worker-thread entry for the multi-worker benchmark: waits at a shared barrier so all workers start
// together, times its steps, and posts the timing back. Nothing else.

import { parentPort, workerData } from "node:worker_threads";
import { timeSteps } from "./step.js";

const { config, steps, warmup, seed, barrier } = workerData as { config: object; steps: number; warmup: number; seed: number; barrier: SharedArrayBuffer };
const b = new Int32Array(barrier);
Atomics.add(b, 0, 1);
while (Atomics.load(b, 1) === 0) Atomics.wait(b, 1, 0, 50);
const t0 = performance.now();
const timing = timeSteps(config, steps, warmup, seed);
parentPort!.postMessage({ timing, wall_ms: performance.now() - t0 });
