// Machine-wide throughput: W worker threads each train one seed at once; the figure of merit is
// wall time divided by seed-steps completed (all workers), i.e. ms per seed-step for the machine.

import { Worker } from "node:worker_threads";
import type { RunConfigInput } from "../base/config.js";
import { timeSteps, type StepTiming } from "./step.js";

export interface Throughput {
  workers: number;
  /** wall milliseconds per seed-step, machine-wide */
  ms_per_seed_step: number;
  /** each worker's own ms per step */
  per_worker_ms: number[];
}

export async function throughput(config: RunConfigInput, workers: number, steps = 100, warmup = 25): Promise<Throughput> {
  if (workers === 1) {
    const t = timeSteps(config, steps, warmup);
    return { workers, ms_per_seed_step: t.ms_per_step, per_worker_ms: [t.ms_per_step] };
  }
  const barrier = new SharedArrayBuffer(8);
  const b = new Int32Array(barrier);
  const url = new URL("./worker.js", import.meta.url);
  const runs = Array.from({ length: workers }, (_, i) => {
    const w = new Worker(url, { workerData: { config, steps, warmup, seed: i, barrier } });
    return new Promise<{ timing: StepTiming; wall_ms: number }>((resolve, reject) => {
      w.once("message", (m) => {
        resolve(m);
        void w.terminate();
      });
      w.once("error", reject);
    });
  });
  while (Atomics.load(b, 0) < workers) await new Promise((r) => setTimeout(r, 5));
  Atomics.store(b, 1, 1);
  Atomics.notify(b, 1);
  const done = await Promise.all(runs);
  // the machine-wide rate: the slowest worker's timed window covers all workers' timed steps
  const wall = Math.max(...done.map((d) => d.timing.seconds * 1000));
  return { workers, ms_per_seed_step: wall / (workers * steps), per_worker_ms: done.map((d) => d.timing.ms_per_step) };
}
