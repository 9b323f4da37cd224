// The messages between the local pool (main thread) and its worker threads, and the data each
// thread starts with. Types only; pool.ts and worker.ts send and handle them.

import type { LogRow, SeedResult } from "../base/results.js";

export interface WorkerData {
  /** URL of the runner module (see runner.ts) */
  runner: string;
  /** shared Int32Array(1): non-zero asks the running job to stop and checkpoint */
  stop: SharedArrayBuffer;
}

export type ToWorker = {
  type: "run";
  jobId: string;
  config: unknown;
  seed: number;
  /** this job's checkpoint folder */
  dir: string;
  checkpointEvery: number;
  until?: number;
  keepFinal?: boolean;
};

export type FromWorker =
  | { type: "ready" }
  | { type: "started"; jobId: string; fromStep: number; rejected: { step: number; reason: string }[] }
  | { type: "progress"; jobId: string; step: number }
  | { type: "log"; jobId: string; row: LogRow }
  | { type: "checkpoint"; jobId: string; step: number }
  | { type: "done"; jobId: string; result: SeedResult }
  | { type: "stopped"; jobId: string; step: number }
  | { type: "error"; jobId: string; message: string };
