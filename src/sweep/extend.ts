// The store's side of training a cell to its end (train/cell-end.ts): once every seed of a cell is
// recorded, the seeds that stopped at their own grok are continued to the cell's end step, from the
// final state their job left in its checkpoint folder (or from step 0 when there is none: the same
// bits, only slower), and their stored series, steps and final state replaced. Used by the local
// sweep, and after a queue or a merge by whichever `sweep`/`reproduce` sees the cell complete.

import type { RunConfig } from "../base/config.js";
import { continuations } from "../train/cell-end.js";
import type { SeedResult, SeedStatus } from "../base/results.js";
import { checkpointedJobs, jobCheckpointDir, removeCheckpoints } from "./checkpoints.js";
import { toJson } from "./json.js";
import { WorkerPool } from "./pool.js";
import { SERIES_COLS } from "./record.js";
import { checkpointRoot, nowIso, type DB } from "./store.js";

export interface Extension {
  jobId: string;
  cellId: string;
  seed: number;
  config: RunConfig;
  /** the cell's end step */
  until: number;
}

interface RunRow {
  job_id: string;
  cell_id: string;
  seed: number;
  status: string;
  result: SeedStatus | null;
  steps_run: number | null;
}

/** Every run of the given cells, with the cells' configs. */
function runsOf(db: DB, cellIds: readonly string[]): Map<string, { config: RunConfig; runs: RunRow[] }> {
  const out = new Map<string, { config: RunConfig; runs: RunRow[] }>();
  const cfgQ = db.prepare(`SELECT config_json FROM cells WHERE id = ?`);
  const runQ = db.prepare(`SELECT job_id, cell_id, seed, status, result, steps_run FROM runs WHERE cell_id = ? ORDER BY seed`);
  for (const id of cellIds) {
    const c = cfgQ.get(id) as { config_json: string } | undefined;
    if (!c) continue;
    out.set(id, { config: JSON.parse(c.config_json) as RunConfig, runs: runQ.all(id) as RunRow[] });
  }
  return out;
}

/** The cells a sweep touches (all cells of the store when `sweep` is null). */
function cellsOf(db: DB, sweep: string | null): string[] {
  const rows = (
    sweep === null
      ? db.prepare(`SELECT DISTINCT cell_id FROM runs`).all()
      : db.prepare(`SELECT DISTINCT r.cell_id FROM sweep_jobs sj JOIN runs r ON r.job_id = sj.job_id WHERE sj.sweep = ?`).all(sweep)
  ) as { cell_id: string }[];
  return rows.map((r) => r.cell_id);
}

/** A cell is complete when every stored run of it is done. */
const complete = (runs: readonly RunRow[]): boolean => runs.length > 0 && runs.every((r) => r.status === "done");

/** The continuations one cell still needs (none until every run of it is done). */
function cellPlan(cellId: string, config: RunConfig, runs: readonly RunRow[]): Extension[] {
  if (!complete(runs)) return [];
  const byseed = new Map(runs.map((r) => [r.seed, r]));
  return continuations(config, runs.map((r) => ({ seed: r.seed, status: r.result ?? "censored", steps_run: r.steps_run ?? 0 }))).map((p) => ({
    jobId: byseed.get(p.seed)!.job_id, cellId, seed: p.seed, config, until: p.until,
  }));
}

/** The continuations the complete cells of a sweep (every cell of the store when null) still need. */
export function planExtensions(db: DB, sweep: string | null): Extension[] {
  return [...runsOf(db, cellsOf(db, sweep))].flatMap(([cellId, { config, runs }]) => cellPlan(cellId, config, runs));
}

/**
 * Whether a finished job's checkpoints (its final state) are still wanted: its cell is not complete
 * yet (and its seeds stop at grok), or it is and the job still has to be continued.
 */
export function keepsFinalState(db: DB, jobId: string): boolean {
  const r = db.prepare(`SELECT cell_id, status FROM runs WHERE job_id = ?`).get(jobId) as { cell_id: string; status: string } | undefined;
  if (!r) return false;
  if (r.status !== "done") return true;
  const cell = runsOf(db, [r.cell_id]).get(r.cell_id);
  if (!cell) return false;
  if (!complete(cell.runs)) return cell.config.stop_on_grok;
  return cellPlan(r.cell_id, cell.config, cell.runs).some((e) => e.jobId === jobId);
}

/** Removes the checkpoints of finished jobs that no continuation needs. */
export function pruneSettled(db: DB, storePath: string): void {
  const root = checkpointRoot(storePath);
  for (const job of checkpointedJobs(root)) {
    const r = db.prepare(`SELECT status FROM runs WHERE job_id = ?`).get(job) as { status: string } | undefined;
    if (r?.status === "done" && !keepsFinalState(db, job)) removeCheckpoints(jobCheckpointDir(root, job));
  }
}

/**
 * Records a continued run: its series, steps, wall time, final state and T_mem (which a seed may
 * reach only after its grok) replace the stored ones; T_grok and the norm at grok stay. Idempotent: a run already at or past the
 * continuation's end is left alone (another process got there first; the bits are the same).
 */
export function recordExtended(db: DB, jobId: string, r: SeedResult): boolean {
  const tx = db.transaction((): boolean => {
    const upd = db
      .prepare(
        `UPDATE runs SET steps_run = @steps, last_step = @steps, wall_s = @wall, final_json = @final, finished_at = @now,
           T_mem = @T_mem, delay = @delay
         WHERE job_id = @job AND status = 'done' AND result = 'grokked' AND steps_run < @steps`,
      )
      .run({ steps: r.steps_run, wall: r.wall_s, final: r.final === null ? null : toJson(r.final), now: nowIso(), job: jobId, T_mem: r.T_mem, delay: r.delay });
    if (upd.changes !== 1) return false;
    db.prepare(`DELETE FROM series WHERE job_id = ?`).run(jobId);
    const ins = db.prepare(
      `INSERT INTO series(job_id, step, ${SERIES_COLS.join(", ")}, norms_json) VALUES (?, ?, ${SERIES_COLS.map(() => "?").join(", ")}, ?)`,
    );
    for (const row of r.log) ins.run(jobId, row.step, ...SERIES_COLS.map((c) => row[c]), toJson(row.norms));
    return true;
  });
  return tx.immediate();
}

export interface ExtendOptions {
  storePath: string;
  workers: number;
  runner?: string;
  checkpointEvery?: number;
  signal?: AbortSignal;
  /** called before each continuation starts and after it is recorded */
  /** each continuation's start, end or stop; done/total count the continuations of this call */
  onEvent?: (e: { kind: "start" | "done" | "stopped"; ext: Extension; done: number; total: number }) => void;
}

export interface ExtendSummary {
  /** continuations recorded */
  extended: number;
  /** continuations left (interrupted or failed) */
  left: number;
  errors: { jobId: string; message: string }[];
}

/** Runs every continuation the sweep's complete cells need, on a pool of worker threads. */
export async function extendCells(db: DB, sweep: string | null, o: ExtendOptions): Promise<ExtendSummary> {
  const plan = planExtensions(db, sweep);
  const summary: ExtendSummary = { extended: 0, left: plan.length, errors: [] };
  if (plan.length === 0 || o.signal?.aborted) return summary;
  const root = checkpointRoot(o.storePath);
  const pool = new WorkerPool(Math.max(1, Math.min(o.workers, plan.length)), o.runner);
  const stop = (): void => pool.requestStop();
  o.signal?.addEventListener("abort", stop, { once: true });
  try {
    const queue = [...plan];
    const lane = async (): Promise<void> => {
      for (let ext = queue.shift(); ext !== undefined && !o.signal?.aborted; ext = queue.shift()) {
        o.onEvent?.({ kind: "start", ext, done: summary.extended, total: plan.length });
        const dir = jobCheckpointDir(root, ext.jobId);
        const out = await pool.run({ jobId: ext.jobId, config: ext.config, seed: ext.seed, dir, checkpointEvery: o.checkpointEvery ?? 1000, until: ext.until });
        if (out.kind === "done") {
          recordExtended(db, ext.jobId, out.result);
          removeCheckpoints(dir);
          summary.extended++;
          summary.left--;
          o.onEvent?.({ kind: "done", ext, done: summary.extended, total: plan.length });
        } else if (out.kind === "stopped") {
          o.onEvent?.({ kind: "stopped", ext, done: summary.extended, total: plan.length });
        } else {
          summary.errors.push({ jobId: ext.jobId, message: `continuing to step ${ext.until}: ${out.message}` });
        }
      }
    };
    await Promise.all(Array.from({ length: pool.size }, lane));
  } finally {
    o.signal?.removeEventListener("abort", stop);
    await pool.close();
  }
  return summary;
}
