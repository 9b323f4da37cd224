// The queue worker behind `grokscale worker`: takes jobs from a BullMQ queue, trains each on the local
// pool of worker threads (so lock renewal on this thread never waits for training), publishes its
// checkpoints so that another worker can resume it, reports progress and its logged rows (for the
// coordinator's live rows), and returns the exact result.
// Aborting checkpoints the running jobs and hands them back to the queue. It never opens the store.

import { availableParallelism, hostname } from "node:os";
import { UnrecoverableError, WaitingError, Worker, type Job as BullJob } from "bullmq";
import { WorkerPool } from "../sweep/pool.js";
import { codeVersion as currentCodeVersion } from "../base/version.js";
import { FolderCheckpoints, RedisCheckpoints, type CheckpointPlace } from "./ckpt-store.js";
import {
  DEFAULT_QUEUE, ProtocolError, checkJobData, checkQueueName, encodeLiveRow, encodeResult, keys,
  type QueueJobData, type QueueProgress, type StartNote,
} from "./protocol.js";
import { bullConnection, openClient, probeRedis, redactUrl, Watchdog } from "./redis.js";

export interface QueueWorkerOptions {
  redis: string;
  queue?: string;
  /** jobs trained at once, one thread each (default: one per core) */
  workers?: number;
  /** a shared folder for checkpoints instead of Redis */
  checkpointDir?: string;
  /** the runner module (tests); default the real trainer */
  runner?: string;
  /** BullMQ lock duration: a dead worker's job is retaken after about this long (default 30 s) */
  lockMs?: number;
  /** BullMQ stalled-job check interval (default 30 s) */
  stalledMs?: number;
  /** give up when Redis has been unreachable this long (default 120 s) */
  redisTimeoutMs?: number;
  /** warn when no job came for this long and no coordinator uses the queue (default 60 s) */
  idleNoticeMs?: number;
  /** aborting checkpoints the running jobs, hands them back and ends the worker */
  signal?: AbortSignal;
  onEvent?: (e: WorkerEvent) => void;
  codeVersion?: string;
}

export type WorkerEvent =
  | { kind: "ready"; worker: string; queue: string; redisVersion: string; threads: number }
  | { kind: "started"; jobId: string; label: string; seed: number; fromStep: number; steps: number }
  | { kind: "checkpoint"; jobId: string; step: number }
  | { kind: "done"; jobId: string; label: string; seed: number; status: string; steps: number; wall_s: number }
  | { kind: "released"; jobId: string; step: number }
  | { kind: "failed"; jobId: string; message: string }
  | { kind: "warning"; message: string };

export interface WorkerSummary {
  worker: string;
  completed: number;
  released: number;
  failed: number;
  /** set when the worker stopped because of an error (Redis lost), not a request */
  error: string | null;
}

/** How many times a job may lose its worker before it is failed (a job that kills every worker). */
export const MAX_STALLS = 25;

/** Runs a queue worker until the signal aborts (or Redis stays lost); resolves with what it did. */
export async function runQueueWorker(opts: QueueWorkerOptions): Promise<WorkerSummary> {
  const queue = checkQueueName(opts.queue ?? DEFAULT_QUEUE);
  const redisVersion = await probeRedis(opts.redis); // a clear error, fast, if Redis is not there
  const threads = Math.max(1, Math.floor(opts.workers ?? availableParallelism()));
  const version = opts.codeVersion ?? currentCodeVersion();
  const me = `${hostname()}|${process.pid}|${Date.now()}`;
  const emit = (e: WorkerEvent): void => {
    try {
      opts.onEvent?.(e);
    } catch {
      /* a failing display must not stop the worker */
    }
  };
  const summary: WorkerSummary = { worker: me, completed: 0, released: 0, failed: 0, error: null };
  const client = openClient(opts.redis);
  await client.connect();
  const place: CheckpointPlace = opts.checkpointDir ? new FolderCheckpoints(opts.checkpointDir) : new RedisCheckpoints(client, queue);
  const pool = new WorkerPool(threads, opts.runner);
  let stopping = false;
  let gotJob = false;
  let fatalStop: (msg: string) => void = () => {};

  const processJob = async (job: BullJob, token?: string): Promise<string> => {
    let data: QueueJobData;
    try {
      data = checkJobData(job.data, job.id);
    } catch (err) {
      const message = err instanceof ProtocolError ? err.message : String(err);
      emit({ kind: "failed", jobId: String(job.id), message });
      summary.failed++;
      throw new UnrecoverableError(message);
    }
    const { jobId, seed, config } = data;
    gotJob = true;
    await place.fetch(jobId).catch((err: unknown) => {
      emit({ kind: "warning", message: `checkpoint of ${jobId.slice(0, 12)} not fetched, starting it over: ${String(err)}` });
    });
    let publishing: Promise<unknown> = Promise.resolve();
    let lastProgress = 0;
    let fromStep = 0;
    const progress = (step: number): void => {
      const p: QueueProgress = { step, steps: config.steps, fromStep, worker: me };
      job.updateProgress(p as unknown as object).catch(() => {});
    };
    const outcome = await pool.run(
      { jobId, config, seed, dir: place.localDir(jobId), checkpointEvery: data.checkpointEvery },
      {
        onStarted: (from, rejected) => {
          fromStep = from;
          for (const r of rejected) {
            emit({ kind: "warning", message: `job ${jobId.slice(0, 12)}: checkpoint of step ${r.step} rejected (${r.reason}); resuming from ${from > 0 ? `step ${from}` : "the start"}` });
          }
          const note: StartNote = { owner: me, from_step: from, rejected, at: new Date().toISOString() };
          client.rpush(keys.starts(queue, jobId), JSON.stringify(note)).catch(() => {});
          client.pexpire(keys.starts(queue, jobId), 30 * 24 * 3600 * 1000).catch(() => {});
          client.pexpire(keys.live(queue, jobId), 7 * 24 * 3600 * 1000).catch(() => {});
          progress(from);
          emit({ kind: "started", jobId, label: data.label, seed, fromStep: from, steps: config.steps });
        },
        onLog: (row) => {
          // the coordinator copies these into the store's live rows (a restart's repeated steps replace theirs)
          client.rpush(keys.live(queue, jobId), encodeLiveRow(row)).catch(() => {});
        },
        onProgress: (step) => {
          const now = Date.now();
          if (now - lastProgress < 500) return;
          lastProgress = now;
          progress(step);
        },
        onCheckpoint: () => {
          publishing = publishing
            .then(() => place.publish(jobId))
            .then((step) => step !== null && emit({ kind: "checkpoint", jobId, step }))
            .catch((err: unknown) => emit({ kind: "warning", message: `checkpoint of ${jobId.slice(0, 12)} not published: ${String(err)}` }));
        },
      },
    );
    await publishing;
    switch (outcome.kind) {
      case "done":
        place.dropLocal(jobId);
        summary.completed++;
        emit({ kind: "done", jobId, label: data.label, seed, status: outcome.result.status, steps: outcome.result.steps_run, wall_s: outcome.result.wall_s });
        return encodeResult({ protocol: 1, jobId, configHash: data.configHash, seed, codeVersion: version, worker: me, result: outcome.result });
      case "stopped": {
        // asked to stop: the thread wrote a checkpoint; share it and hand the job back
        await place.publish(jobId).catch((err: unknown) => emit({ kind: "warning", message: `final checkpoint not published: ${String(err)}` }));
        place.dropLocal(jobId);
        await job.moveToWait(token);
        summary.released++;
        emit({ kind: "released", jobId, step: outcome.step });
        throw new WaitingError();
      }
      case "error":
        if (pool.fatal !== null) {
          // this machine cannot run anything (no threads): hand the job back and stop, not fail the queue
          await place.publish(jobId).catch(() => null);
          place.dropLocal(jobId);
          await job.moveToWait(token);
          fatalStop(pool.fatal);
          throw new WaitingError();
        }
        place.dropLocal(jobId);
        summary.failed++;
        emit({ kind: "failed", jobId, message: outcome.message.split("\n")[0]! });
        throw new Error(outcome.message);
    }
  };

  const worker = new Worker(queue, processJob, {
    connection: bullConnection(opts.redis),
    concurrency: threads,
    name: me,
    autorun: false,
    lockDuration: opts.lockMs ?? 30_000,
    stalledInterval: opts.stalledMs ?? 30_000,
    maxStalledCount: MAX_STALLS,
  });
  let lastWarn = 0;
  worker.on("error", (err) => {
    const now = Date.now();
    if (now - lastWarn > 5000) emit({ kind: "warning", message: `queue: ${err.message}` });
    lastWarn = now;
  });
  worker.on("completed", (job) => {
    // the result is in the queue now; the coordinator removes the checkpoint once it is recorded,
    // and a folder checkpoint is not needed any more
    if (opts.checkpointDir && job.id) place.remove(job.id).catch(() => {});
  });

  let fatal: string | null = null;
  let wake!: () => void;
  const finished = new Promise<void>((resolve) => (wake = resolve));
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    pool.requestStop(); // running jobs checkpoint at their next step and are handed back
    wake();
  };
  opts.signal?.addEventListener("abort", stop, { once: true });
  if (opts.signal?.aborted) stop();
  fatalStop = (msg: string): void => {
    fatal ??= msg;
    stop();
  };
  const dog = new Watchdog(client, opts.redisTimeoutMs ?? 120_000, fatalStop);

  emit({ kind: "ready", worker: me, queue, redisVersion, threads });
  // a worker on a queue nobody feeds would wait silently: say so once, while it stays so
  const idleMs = opts.idleNoticeMs ?? 60_000;
  let warnedIdle = false;
  const idle = setInterval(() => {
    if (stopping || gotJob || warnedIdle) return;
    client.exists(keys.coordinator(queue)).then((n) => {
      if (n !== 0 || gotJob || warnedIdle) return;
      warnedIdle = true;
      emit({
        kind: "warning",
        message: `no job for ${Math.round(idleMs / 1000)} s and no coordinator is using queue "${queue}" at ${redactUrl(opts.redis)}; ` +
          `start one with \`grokscale sweep SPEC --redis URL --queue ${queue}\`, or check --queue and the URL's database`,
      });
    }, () => {});
  }, idleMs);
  idle.unref();
  const running = worker.run().catch((err: unknown) => {
    fatal ??= `queue worker stopped: ${String(err)}`;
    stop();
  });
  await finished;
  try {
    if (fatal === null) {
      await worker.close(); // waits for the processors: they return once their jobs are handed back
      await running;
    } else {
      // Redis is gone: nothing can be handed back; the jobs' locks lapse and other workers retake them
      await Promise.race([worker.close(true), new Promise((r) => setTimeout(r, 3000).unref())]);
    }
  } finally {
    clearInterval(idle);
    dog.stop();
    opts.signal?.removeEventListener("abort", stop);
    await pool.close();
    place.close();
    client.disconnect();
  }
  summary.error = fatal;
  return summary;
}
