// Machine-wide throughput: W worker threads each train one seed at once; the figure of merit is
// wall time divided by seed-steps completed (all workers), i.e. ms per seed-step for the machine,
// measured over the span in which every worker was timing and cut into windows (min/median/max).
// Also each worker's heap and the process's resident memory at the end, to see what a worker costs.

import { Worker } from "node:worker_threads";
import type { RunConfigInput } from "../base/config.js";
import { timeSteps, type StepTiming } from "./step.js";
import { machineWindows, spread, type Spread, stepWindows } from "./windows.js";

export interface Throughput {
  workers: number;
  /** wall milliseconds per seed-step, machine-wide, over the whole timed span */
  ms_per_seed_step: number;
  /** the same in `windows` equal slices of the span */
  spread: Spread;
  /** each worker's own ms per step over its timed steps */
  per_worker_ms: number[];
  /** resident set of the whole process after the run, MiB (workers included) */
  rss_mib: number;
  /**
   * CPU milliseconds of the whole process per seed-step, warm-up and set-up included: compared with
   * wall time it shows how much the machine was shared, and across worker counts how much each
   * step's work grows when workers share caches and memory
   */
  cpu_ms_per_seed_step: number;
}

const cpuMs = (c: NodeJS.CpuUsage): number => (c.user + c.system) / 1000;

export async function throughput(config: RunConfigInput, workers: number, steps = 500, warmup = 25, windows = 5): Promise<Throughput> {
  const c0 = process.cpuUsage();
  const cpuPerStep = (ran: number) => cpuMs(process.cpuUsage(c0)) / (workers * ran);
  if (workers === 1) {
    const t = timeSteps(config, steps, warmup);
    const cpu = cpuPerStep(t.steps + t.warmup);
    return { workers, ms_per_seed_step: t.ms_per_step, spread: spread(stepWindows(t.marks, windows)), per_worker_ms: [t.ms_per_step], rss_mib: process.memoryUsage().rss / 1048576, cpu_ms_per_seed_step: cpu };
  }
  const barrier = new SharedArrayBuffer(8);
  const b = new Int32Array(barrier);
  const url = new URL("./worker.js", import.meta.url);
  let rss = 0;
  const runs = Array.from({ length: workers }, (_, i) => {
    const w = new Worker(url, { workerData: { config, steps, warmup, seed: i, barrier } });
    return new Promise<{ timing: StepTiming; wall_ms: number }>((resolve, reject) => {
      w.once("message", (m) => {
        rss = Math.max(rss, process.memoryUsage().rss);
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
  const cpu = cpuPerStep(steps + done[0]!.timing.warmup);
  const m = machineWindows(done.map((d) => d.timing.marks), windows);
  return { workers, ms_per_seed_step: m.overall, spread: spread(m.windows), per_worker_ms: done.map((d) => d.timing.ms_per_step), rss_mib: rss / 1048576, cpu_ms_per_seed_step: cpu };
}
