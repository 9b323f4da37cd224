// The worker-thread entry of the local pool: loads the job runner module named in workerData, then
// runs one job per message (runJobWithCheckpoints), stopping when the main thread sets the shared
// stop flag, and posts events and the outcome back. It never touches the database; the main
// thread records everything.

import { parentPort, workerData } from "node:worker_threads";
import type { RunConfig } from "../base/config.js";
import { runJobWithCheckpoints } from "./job.js";
import type { FromWorker, ToWorker, WorkerData } from "./messages.js";
import type { JobRunner } from "./runner.js";

const data = workerData as WorkerData;
const stop = new Int32Array(data.stop);
const port = parentPort!;
const runner = (await import(data.runner)) as JobRunner;
const post = (m: FromWorker): void => port.postMessage(m);

port.on("message", (msg: ToWorker) => {
  const { jobId } = msg;
  let lastProgress = 0;
  try {
    const outcome = runJobWithCheckpoints(
      runner,
      {
        jobId, config: msg.config as RunConfig, seed: msg.seed, dir: msg.dir, checkpointEvery: msg.checkpointEvery,
        ...(msg.until !== undefined ? { until: msg.until } : {}),
        ...(msg.keepFinal ? { keepFinal: true } : {}),
      },
      {
        onStarted: (fromStep, rejected) => post({ type: "started", jobId, fromStep, rejected }),
        onCheckpoint: (step) => post({ type: "checkpoint", jobId, step }),
        onLog: (row) => post({ type: "log", jobId, row }),
        onProgress: (step) => {
          const now = performance.now();
          if (now - lastProgress < 100) return;
          lastProgress = now;
          post({ type: "progress", jobId, step });
        },
        shouldStop: () => Atomics.load(stop, 0) !== 0,
      },
    );
    post(outcome.kind === "done" ? { type: "done", jobId, result: outcome.result } : { type: "stopped", jobId, step: outcome.step });
  } catch (err) {
    post({ type: "error", jobId, message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});
post({ type: "ready" });
