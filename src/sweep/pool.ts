// A local pool of worker threads (one job per thread at a time) running jobs through the runner
// module. It hands out tasks, forwards their events, and turns a crashed thread into an error
// outcome plus a fresh thread. It knows nothing of the store, claims or sweeps (run.ts does).

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { LogRow, SeedResult } from "../base/results.js";
import type { FromWorker, ToWorker, WorkerData } from "./messages.js";
import { runnerUrl, workerUrl } from "./runner.js";

export type PoolTask = Omit<Extract<ToWorker, { type: "run" }>, "type">;

export type TaskOutcome =
  | { kind: "done"; result: SeedResult }
  | { kind: "stopped"; step: number }
  | { kind: "error"; message: string };

export interface TaskEvents {
  onStarted?: (fromStep: number, rejected: { step: number; reason: string }[]) => void;
  onProgress?: (step: number) => void;
  onLog?: (row: LogRow) => void;
  onCheckpoint?: (step: number) => void;
}

interface Slot {
  worker: Worker;
  busy: { task: PoolTask; events: TaskEvents; resolve: (o: TaskOutcome) => void } | null;
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly stopBuf = new SharedArrayBuffer(4);
  private readonly data: WorkerData;
  private closing = false;
  /** set when a thread died before it could load the runner: the pool cannot run anything */
  fatal: string | null = null;

  constructor(size: number, runner?: string) {
    const url = workerUrl();
    if (!existsSync(fileURLToPath(url))) {
      throw new Error(`the compiled worker ${fileURLToPath(url)} is missing; run \`npm run build\``);
    }
    this.data = { runner: runnerUrl(runner), stop: this.stopBuf };
    for (let i = 0; i < Math.max(1, size); i++) this.slots.push(this.spawn());
  }

  get size(): number {
    return this.slots.length;
  }

  idleCount(): number {
    return this.slots.filter((s) => s.busy === null).length;
  }

  /** Runs a task on an idle thread; resolves when it is done, stopped or failed. */
  run(task: PoolTask, events: TaskEvents = {}): Promise<TaskOutcome> {
    if (this.fatal !== null) return Promise.resolve({ kind: "error", message: this.fatal });
    const slot = this.slots.find((s) => s.busy === null);
    if (!slot) throw new Error("WorkerPool.run: no idle worker");
    return new Promise((resolve) => {
      slot.busy = { task, events, resolve };
      const msg: ToWorker = { type: "run", ...task };
      slot.worker.postMessage(msg);
    });
  }

  /** Asks every running job to stop at its next step and checkpoint (irreversible for this pool). */
  requestStop(): void {
    Atomics.store(new Int32Array(this.stopBuf), 0, 1);
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Slot {
    const worker = new Worker(workerUrl(), { workerData: this.data });
    const slot: Slot = { worker, busy: null };
    let ready = false;
    const finish = (o: TaskOutcome): void => {
      const b = slot.busy;
      slot.busy = null;
      b?.resolve(o);
    };
    worker.on("message", (m: FromWorker) => {
      const ev = slot.busy?.events;
      switch (m.type) {
        case "ready":
          ready = true;
          return;
        case "started":
          return ev?.onStarted?.(m.fromStep, m.rejected);
        case "progress":
          return ev?.onProgress?.(m.step);
        case "log":
          return ev?.onLog?.(m.row);
        case "checkpoint":
          return ev?.onCheckpoint?.(m.step);
        case "done":
          return finish({ kind: "done", result: m.result });
        case "stopped":
          return finish({ kind: "stopped", step: m.step });
        case "error":
          return finish({ kind: "error", message: m.message });
      }
    });
    let lastError = "";
    worker.on("error", (err) => {
      lastError = err instanceof Error ? (err.stack ?? err.message) : String(err);
    });
    worker.on("exit", (code) => {
      if (this.closing) return;
      const message = `worker thread exited (code ${code})${lastError ? `: ${lastError}` : ""}`;
      if (!ready) this.fatal = `a worker thread could not start: ${message}`;
      finish({ kind: "error", message });
      if (this.fatal !== null) return;
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots[i] = this.spawn();
    });
    return slot;
  }
}
