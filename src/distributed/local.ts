// runShard: one slice (`--shard I/N`) of a sweep on the local pool of worker threads, for array-job
// schedulers (Slurm job arrays, Kubernetes indexed Jobs). The store gets the whole sweep registered
// (so that `grokscale merge` of all shards' stores yields the complete sweep) but only the slice runs,
// with the local sweep's claims, checkpoints, resume and clean stop. Prints nothing.

import { availableParallelism } from "node:os";
import { jobCheckpointDir, removeCheckpoints } from "../sweep/checkpoints.js";
import { heartbeat, ownerId, release } from "../sweep/claims.js";
import { WorkerPool, type TaskOutcome } from "../sweep/pool.js";
import { noteStart, outcomeOf, recordDone, recordFailed, registerSweepAsync } from "../sweep/record.js";
import { finishCells, noticeRejected, type ActiveJob, type RunSweepOptions, type SweepSummary } from "../sweep/run.js";
import { resolveSweepSpec, type Job } from "../experiments/sweep-spec.js";
import { checkpointRoot, DEFAULT_STORE, openStore, type DB } from "../sweep/store.js";
import { codeVersion as currentCodeVersion } from "../base/version.js";
import { claimJob, countsOf, jobLabels, shardJobs, type Shard } from "./jobs.js";

export interface ShardOptions extends Omit<RunSweepOptions, "onProgress"> {
  shard: Shard;
  onProgress?: RunSweepOptions["onProgress"];
}

/** Runs (or resumes) shard I of N of a sweep; resolves when nothing of the slice is claimable. */
export async function runShard(spec: unknown, opts: ShardOptions): Promise<SweepSummary> {
  const sweep = resolveSweepSpec(spec);
  const storePath = opts.store ?? DEFAULT_STORE;
  const version = opts.codeVersion ?? currentCodeVersion();
  const t0 = Date.now();
  const db = openStore(storePath);
  try {
    await registerSweepAsync(db, sweep, version, opts.signal);
    const jobs = shardJobs(sweep, opts.shard);
    const ids = jobs.map((j) => j.jobId);
    const done0 = countsOf(db, ids).done;
    const summary: SweepSummary = {
      sweep: sweep.name, store: storePath, total: jobs.length, already_done: done0, ran: 0, grokked: 0, censored: 0,
      diverged: 0, failed: 0, left: jobs.length - done0, interrupted: false, wall_s: 0, errors: [],
    };
    if (done0 < jobs.length && !opts.signal?.aborted) await execute(db, jobs, jobLabels(sweep), summary, { ...opts, storePath, version });
    else summary.interrupted = opts.signal?.aborted === true && done0 < jobs.length;
    summary.left = jobs.length - countsOf(db, ids).done;
    // cells complete in this store (all their seeds in this slice) are finished here, from step 0
    // (a shard keeps no final states: most of its cells complete only after `grokscale merge`, in
    // the `sweep`/`reproduce` on the merged store that finds them complete)
    if (!summary.interrupted) await finishCells(db, sweep.name, summary, { ...opts, storePath });
    summary.wall_s = (Date.now() - t0) / 1000;
    return summary;
  } finally {
    db.close();
  }
}

type Ctx = ShardOptions & { storePath: string; version: string };

async function execute(db: DB, jobs: Job[], labels: Map<string, string>, summary: SweepSummary, o: Ctx): Promise<void> {
  const owner = ownerId();
  const root = checkpointRoot(o.storePath);
  const ids = jobs.map((j) => j.jobId);
  const pool = new WorkerPool(Math.min(Math.max(1, Math.floor(o.workers ?? availableParallelism())), summary.total - summary.already_done), o.runner);
  const active = new Map<string, ActiveJob>();
  const t0 = Date.now();
  let stopping = false;
  let lastEmit = 0;

  const emit = (force: boolean): void => {
    const now = Date.now();
    if (!o.onProgress || (!force && now - lastEmit < 200)) return;
    lastEmit = now;
    try {
      const { done, failed } = countsOf(db, ids);
      const elapsed = (now - t0) / 1000;
      const rest = summary.total - done - failed;
      o.onProgress({
        sweep: summary.sweep, total: summary.total, done, failed, running: active.size, left: rest - active.size,
        active: [...active.values()], elapsed_s: elapsed, eta_s: summary.ran > 0 ? rest / (summary.ran / elapsed) : null,
      });
    } catch {
      /* a busy store or a failing display must not stop the run */
    }
  };
  const hb = setInterval(() => {
    try {
      heartbeat(db, owner, [...active.values()].map((a) => ({ jobId: a.jobId, step: a.step })));
    } catch {
      /* busy: the next beat retries */
    }
    emit(false);
  }, o.heartbeatMs ?? 5000);

  const onOutcome = (job: Job, outcome: TaskOutcome): void => {
    active.delete(job.jobId);
    switch (outcome.kind) {
      case "done":
        if (recordDone(db, job.jobId, owner, outcome.result, o.version)) {
          removeCheckpoints(jobCheckpointDir(root, job.jobId));
          summary.ran++;
          summary[outcomeOf(outcome.result)]++;
        }
        return;
      case "stopped":
        release(db, job.jobId, owner, outcome.step);
        return;
      case "error":
        if (pool.fatal !== null) {
          stopping = true;
          release(db, job.jobId, owner, null);
          return;
        }
        if (recordFailed(db, job.jobId, owner, outcome.message)) {
          summary.failed++;
          summary.errors.push({ jobId: job.jobId, message: outcome.message });
        }
        return;
    }
  };

  let next = 0; // jobs before `next` have been offered a claim in this pass
  const stop = (): void => {
    stopping = true;
    summary.interrupted = true;
    pool.requestStop();
  };
  o.signal?.addEventListener("abort", stop, { once: true });
  try {
    await new Promise<void>((resolve) => {
      let inflight = 0;
      const fill = (): void => {
        while (!stopping && pool.idleCount() > 0 && next < jobs.length) {
          const job = jobs[next++]!;
          let claimed: boolean;
          try {
            claimed = claimJob(db, job.jobId, owner, o.staleMs ?? 120_000);
          } catch {
            next--; // the store is busy: try this job again when the next one finishes
            break;
          }
          if (!claimed) continue;
          const entry: ActiveJob = { jobId: job.jobId, label: labels.get(job.jobId) ?? "", seed: job.seed, step: 0, steps: job.config.steps, fromStep: 0 };
          active.set(job.jobId, entry);
          inflight++;
          pool
            .run(
              { jobId: job.jobId, config: job.config, seed: job.seed, dir: jobCheckpointDir(root, job.jobId), checkpointEvery: o.checkpointEvery ?? 1000 },
              {
                onStarted: (from, rejected) => {
                  entry.fromStep = entry.step = from;
                  noticeRejected(o.onNotice, job.jobId, from, rejected);
                  try {
                    noteStart(db, job.jobId, owner, from, rejected);
                  } catch {
                    /* the history is best-effort */
                  }
                  emit(true);
                },
                onProgress: (step) => {
                  entry.step = step;
                  emit(false);
                },
              },
            )
            .then((outcome) => onOutcome(job, outcome))
            .catch((err: unknown) => summary.errors.push({ jobId: job.jobId, message: `recording failed: ${String(err)}` }))
            .finally(() => {
              inflight--;
              fill();
              emit(true);
              if (inflight === 0) resolve();
            });
        }
        if (inflight === 0) resolve();
      };
      if (o.signal?.aborted) stop();
      fill();
    });
  } finally {
    clearInterval(hb);
    o.signal?.removeEventListener("abort", stop);
    await pool.close();
  }
  if (pool.fatal !== null) throw new Error(pool.fatal);
}
