// runSweep: the library entry that runs a sweep spec (or one shard of it) to completion on a local
// pool of worker threads; the one claim → run → checkpoint → record path of local runs and shards. It validates and resolves the spec first (a bad spec writes nothing), registers it,
// then claims jobs one at a time, heartbeats its claims, records each finished run, continues each
// complete cell's early grokkers to the cell's end (extend.ts), and on abort
// stops the workers, keeps their checkpoints and hands the jobs back. It returns data (progress
// events, a summary) and prints nothing; the `grokscale sweep` command draws the display.

import { availableParallelism } from "node:os";
import type { LogRow } from "../base/results.js";
import { jobCheckpointDir, removeCheckpoints } from "./checkpoints.js";
import { claimJob, claimNext, heartbeat, ownerId, release, type Claimed } from "./claims.js";
import { EtaModel } from "./eta.js";
import { WorkerPool, type TaskOutcome } from "./pool.js";
import { extendCells, keepsFinalState, pruneSettled } from "./extend.js";
import { recordJobDone, recordJobFailed, type JobTally } from "./job-record.js";
import { addLiveRows, noteStart, registerSweepAsync } from "./record.js";
import { resolveSweepSpec, type Job, type ResolvedSweep } from "../experiments/sweep-spec.js";
import { countsOf } from "./status.js";
import { checkpointRoot, DEFAULT_STORE, openStore } from "./store.js";
import { codeVersion as currentCodeVersion } from "../base/version.js";

export interface RunSweepOptions {
  /** the store's database file (default ./grokscale-results/grokscale.db) */
  store?: string;
  /** worker threads (default: one per core) */
  workers?: number;
  /** steps between checkpoints of each job (default 1000) */
  checkpointEvery?: number;
  /** the runner module (path or URL); default the real trainer */
  runner?: string;
  /** aborting stops every job at its next step, checkpoints it and hands it back */
  signal?: AbortSignal;
  onProgress?: (p: SweepProgress) => void;
  /** things a user should see: a rejected (corrupt) checkpoint a job fell back from */
  onNotice?: (message: string) => void;
  /** ms between heartbeats of this process's claims (default 5000) */
  heartbeatMs?: number;
  /** a claim whose heartbeat is older than this is taken over (default 120000) */
  staleMs?: number;
  codeVersion?: string;
  /** the jobs to run, a slice of the sweep (a shard); default all (the whole sweep is registered either way) */
  select?: (sweep: ResolvedSweep) => Job[];
  /** keep an early grokker's final state for its continuation (default true; a shard keeps none) */
  keepFinalStates?: boolean;
}

export interface ActiveJob {
  jobId: string;
  label: string;
  seed: number;
  step: number;
  steps: number;
  fromStep: number;
}

export interface SweepProgress {
  sweep: string;
  total: number;
  /** finished (by anyone), failed, running here, and neither */
  done: number;
  failed: number;
  running: number;
  left: number;
  active: ActiveJob[];
  elapsed_s: number;
  /** estimated seconds to finish what is left here; null before anything can be estimated */
  eta_s: number | null;
}

export interface SweepSummary extends JobTally {
  sweep: string;
  store: string;
  total: number;
  /** done before this invocation started */
  already_done: number;
  /** jobs not finished when this invocation ended (interrupted, or running in another process) */
  left: number;
  interrupted: boolean;
  wall_s: number;
  /** early grokkers continued to their cell's end by this invocation (train/cell-end.ts) */
  extended?: number;
}

/**
 * Runs (or resumes) a sweep, or the slice of it `select` picks; resolves when nothing claimable is
 * left or after an abort. The one job-execution path: local sweeps and shards run through it.
 */
export async function runSweep(spec: unknown, opts: RunSweepOptions = {}): Promise<SweepSummary> {
  const sweep: ResolvedSweep = resolveSweepSpec(spec); // throws SpecError before the store is touched
  const storePath = opts.store ?? DEFAULT_STORE;
  const version = opts.codeVersion ?? currentCodeVersion();
  const t0 = Date.now();
  const db = openStore(storePath);
  try {
    const reg = await registerSweepAsync(db, sweep, version, opts.signal);
    pruneSettled(db, storePath);
    const jobs = opts.select ? opts.select(sweep) : null;
    const ids = jobs?.map((j) => j.jobId) ?? [];
    const counts = jobs === null ? () => sweepCounts(db, sweep.name) : () => countsOf(db, ids);
    const total = jobs === null ? reg.total : jobs.length;
    const done0 = jobs === null ? reg.done : counts().done;
    const summary: SweepSummary = {
      sweep: sweep.name, store: storePath, total, already_done: done0, ran: 0, grokked: 0, censored: 0,
      diverged: 0, failed: 0, left: total - done0, interrupted: false, wall_s: 0, errors: [],
    };
    if (done0 < total && !opts.signal?.aborted) await execute(db, sweep, jobs, counts, summary, { ...opts, storePath, version });
    else summary.interrupted = opts.signal?.aborted === true && done0 < total;
    summary.left = summary.total - counts().done;
    if (!summary.interrupted) await finishCells(db, sweep.name, summary, { ...opts, storePath });
    summary.wall_s = (Date.now() - t0) / 1000;
    return summary;
  } finally {
    db.close();
  }
}

/**
 * Continues the early grokkers of every complete cell to the cell's end (sweep/extend.ts); an
 * interruption leaves their checkpoints for the next invocation. Shared by every sweep path.
 */
export async function finishCells(db: ReturnType<typeof openStore>, sweep: string, summary: SweepSummary, o: RunSweepOptions & { storePath: string }): Promise<void> {
  let announced = false;
  const ext = await extendCells(db, sweep, {
    storePath: o.storePath, workers: Math.max(1, Math.floor(o.workers ?? availableParallelism())),
    ...(o.runner ? { runner: o.runner } : {}), ...(o.checkpointEvery ? { checkpointEvery: o.checkpointEvery } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    // the continuation phase can take minutes: one line as it starts and one per continued seed
    onEvent: (e) => {
      if (e.kind === "start" && !announced) {
        announced = true;
        o.onNotice?.(`continuing ${e.total} early grokker(s) to their cells' ends (the cells' last grok)`);
      }
      if (e.kind === "done") {
        const c = e.ext.config;
        o.onNotice?.(`continued ${e.done}/${e.total}: seed ${e.ext.seed} of p${c.p} ${c.loss} rho=${c.rho} tau=${c.tau} to step ${e.ext.until}`);
      }
    },
  });
  summary.extended = (summary.extended ?? 0) + ext.extended;
  summary.errors.push(...ext.errors);
  if (ext.left > 0 && o.signal?.aborted) summary.interrupted = true;
  pruneSettled(db, o.storePath);
}

/** Done and failed counts of a whole sweep. */
function sweepCounts(db: ReturnType<typeof openStore>, sweep: string): { done: number; failed: number } {
  const r = db
    .prepare(
      `SELECT SUM(r.status = 'done') AS done, SUM(r.status = 'failed') AS failed FROM sweep_jobs sj
       JOIN runs r ON r.job_id = sj.job_id WHERE sj.sweep = ?`,
    )
    .get(sweep) as { done: number | null; failed: number | null };
  return { done: r.done ?? 0, failed: r.failed ?? 0 };
}

type Ctx = RunSweepOptions & { storePath: string; version: string };

/**
 * Claims jobs (the next of the sweep, or of the slice in its order), runs each on the pool with its
 * checkpoints, heartbeats the claims and writes live rows, and records each outcome.
 */
async function execute(
  db: ReturnType<typeof openStore>, sweep: ResolvedSweep, slice: Job[] | null, counts: () => { done: number; failed: number }, summary: SweepSummary, o: Ctx,
): Promise<void> {
  const owner = ownerId();
  const staleMs = o.staleMs ?? 120_000;
  let next = 0; // a slice's jobs before `next` have been offered a claim
  const claim = (): Claimed | null => {
    if (slice === null) return claimNext(db, sweep.name, { owner, staleMs });
    while (next < slice.length) {
      const c = claimJob(db, slice[next]!.jobId, { owner, staleMs });
      next++;
      if (c) return c;
    }
    return null;
  };
  const root = checkpointRoot(o.storePath);
  const jobs = new Map<string, Job>(sweep.jobs.map((j) => [j.jobId, j]));
  const labels = new Map<string, string>();
  for (const c of sweep.cells) if (!labels.has(c.cellId)) labels.set(c.cellId, c.label);
  const want = Math.max(1, Math.floor(o.workers ?? availableParallelism()));
  const pool = new WorkerPool(Math.min(want, summary.total - summary.already_done), o.runner);
  // per running job: when it started here, and its first reported step (to measure its step rate)
  const active = new Map<string, ActiveJob>();
  // the ETA: the cost model's expected steps for what is left, at the step rate seen here (eta.ts)
  const etaModel = new EtaModel(pool.size);
  const settled = new Set(
    (db.prepare(`SELECT sj.job_id AS id FROM sweep_jobs sj JOIN runs r ON r.job_id = sj.job_id WHERE sj.sweep = ? AND r.status IN ('done', 'failed')`).all(sweep.name) as { id: string }[]).map((r) => r.id),
  );
  let live: { jobId: string; row: LogRow }[] = [];
  let stopping = false;
  let fatal: string | null = null;
  let lastEmit = 0;
  const t0 = Date.now();

  /** Reports progress (at most every 200 ms unless forced); never throws into the pool's handlers. */
  const emit = (force: boolean): void => {
    if (!o.onProgress) return;
    const now = Date.now();
    if (!force && now - lastEmit < 200) return;
    lastEmit = now;
    try {
      report(now);
    } catch {
      /* a busy store or a failing display must not stop the sweep */
    }
  };
  const report = (now: number): void => {
    const { done, failed } = counts();
    const left = summary.total - done - failed - active.size;
    o.onProgress!({
      sweep: sweep.name, total: summary.total, done, failed, running: active.size, left,
      active: [...active.values()],
      elapsed_s: (now - t0) / 1000,
      eta_s: etaModel.eta(sweep.jobs.filter((j) => !settled.has(j.jobId) && !active.has(j.jobId)).map((j) => j.config)),
    });
  };

  const hb = setInterval(() => {
    try {
      heartbeat(db, owner, [...active.values()].map((a) => ({ jobId: a.jobId, step: a.step })));
      const rows = live;
      live = [];
      addLiveRows(db, rows.filter((r) => active.has(r.jobId)));
      emit(false);
    } catch {
      /* the store is busy: the next beat retries (a claim lapses only after staleMs) */
    }
  }, o.heartbeatMs ?? 5000);

  const onOutcome = (job: Job, outcome: TaskOutcome): void => {
    active.delete(job.jobId);
    etaModel.finish(job.jobId, outcome.kind === "done" ? outcome.result.steps_run : null);
    if (outcome.kind !== "stopped") settled.add(job.jobId);
    live = live.filter((r) => r.jobId !== job.jobId);
    switch (outcome.kind) {
      case "done": {
        const rec = recordJobDone(db, summary, job, owner, outcome.result, o.version);
        if (rec.kind === "recorded" && (o.keepFinalStates === false || !keepsFinalState(db, job.jobId))) removeCheckpoints(jobCheckpointDir(root, job.jobId));
        if (rec.kind === "rejected") recordJobFailed(db, summary, job.jobId, owner, `result rejected: ${rec.reason}`);
        return;
      }
      case "stopped":
        release(db, job.jobId, owner, outcome.step);
        return;
      case "error":
        if (pool.fatal !== null) {
          fatal = pool.fatal;
          stopping = true;
          release(db, job.jobId, owner, null);
          return;
        }
        recordJobFailed(db, summary, job.jobId, owner, outcome.message);
        return;
    }
  };

  let onAbortRef = (): void => {};
  await new Promise<void>((resolve) => {
    let inflight = 0;
    const onAbort = (onAbortRef = (): void => {
      stopping = true;
      summary.interrupted = true;
      pool.requestStop();
      if (inflight === 0) resolve();
    });
    o.signal?.addEventListener("abort", onAbort, { once: true });
    const fill = (): void => {
      while (!stopping && pool.idleCount() > 0) {
        let c: Claimed | null;
        try {
          c = claim();
        } catch (err) {
          fatal = `cannot claim jobs: ${String(err)}`; // finish what is running, then report
          stopping = true;
          break;
        }
        if (!c) break;
        const job = jobs.get(c.jobId)!;
        const entry = {
          jobId: job.jobId, label: labels.get(job.cellId) ?? job.cellId.slice(0, 12), seed: job.seed,
          step: 0, steps: job.config.steps, fromStep: 0,
        };
        active.set(job.jobId, entry);
        inflight++;
        pool
          .run(
            {
              jobId: job.jobId, config: job.config, seed: job.seed, dir: jobCheckpointDir(root, job.jobId), checkpointEvery: o.checkpointEvery ?? 1000,
              keepFinal: o.keepFinalStates !== false && job.config.stop_on_grok,
            },
            {
              onStarted: (fromStep, rejected) => {
                entry.fromStep = entry.step = fromStep;
                noticeRejected(o.onNotice, job.jobId, fromStep, rejected);
                etaModel.start(job.jobId, job.config, fromStep);
                try {
                  noteStart(db, job.jobId, owner, fromStep, rejected);
                } catch {
                  /* the history is best-effort; the result is what must be recorded */
                }
                emit(true);
              },
              onProgress: (step) => {
                entry.step = step;
                etaModel.progress(job.jobId, step, Date.now() / 1000);
                emit(false);
              },
              onLog: (row) => live.push({ jobId: job.jobId, row }),
            },
          )
          .then((outcome) => onOutcome(job, outcome))
          .catch((err: unknown) => {
            // recording failed (e.g. the store stayed locked): the claim lapses and the job is retried
            summary.errors.push({ jobId: job.jobId, message: `recording failed: ${String(err)}` });
          })
          .finally(() => {
            inflight--;
            fill();
            emit(true);
            if (inflight === 0) resolve();
          });
      }
      if (inflight === 0) resolve();
    };
    if (o.signal?.aborted) onAbort();
    else fill();
    emit(true);
  }).finally(async () => {
    clearInterval(hb);
    o.signal?.removeEventListener("abort", onAbortRef);
    await pool.close();
  });
  if (fatal !== null) throw new Error(fatal);
}

/** Tells the user about checkpoints a job could not resume from (they are also in the run's resumes). */
export function noticeRejected(
  onNotice: ((m: string) => void) | undefined, jobId: string, fromStep: number, rejected: { step: number; reason: string }[],
): void {
  for (const r of rejected) {
    try {
      onNotice?.(`warning: job ${jobId.slice(0, 12)}: checkpoint of step ${r.step} rejected (${r.reason}); resuming from ${fromStep > 0 ? `step ${fromStep}` : "the start"}`);
    } catch {
      /* a failing display must not stop the sweep */
    }
  }
}
