// Writing a sweep into the store: registering its cells and jobs (idempotent: known jobs keep
// their results), noting where each run (re)started, recording a finished run's results and full
// series in one transaction (so a killed run never leaves partial series), failures, and the
// `live` rows a dashboard reads while a run is going. Claims are in claims.ts; reads in read.ts.

import { canonicalJson } from "../base/config.js";
import type { LogRow, SeedResult, SeedStatus } from "../base/results.js";
import { toJson } from "./json.js";
import type { ResolvedSweep } from "../experiments/sweep-spec.js";
import { nowIso, type DB } from "./store.js";

export interface Registered {
  total: number;
  done: number;
  /** failed jobs of this sweep put back to pending (a new invocation retries them) */
  retried: number;
}

/** Raised by registerSweepAsync when its signal aborts: the registration was rolled back. */
export class RegistrationAborted extends Error {}

/** Rows written between yields to the event loop (so a signal is seen within a fraction of a second). */
const CHUNK = 2000;

/**
 * The registration's statements, as a generator that yields every CHUNK rows: run to the end inside
 * one transaction by registerSweep, or across event-loop turns by registerSweepAsync.
 */
function* registering(db: DB, sweep: ResolvedSweep, codeVersion: string): Generator<void, Registered> {
  const now = nowIso();
  db.prepare(
    `INSERT INTO sweeps(name, spec_json, seeds_json, code_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(name) DO UPDATE SET spec_json = excluded.spec_json, seeds_json = excluded.seeds_json,
       code_version = excluded.code_version, updated_at = excluded.updated_at`,
  ).run(sweep.name, canonicalJson(sweep.spec), JSON.stringify(sweep.seeds), codeVersion, now, now);
  const cell = db.prepare(`INSERT OR IGNORE INTO cells(id, config_json, created_at) VALUES (?, ?, ?)`);
  db.prepare(`DELETE FROM sweep_cells WHERE sweep = ?`).run(sweep.name);
  const member = db.prepare(
    `INSERT OR IGNORE INTO sweep_cells(sweep, cell_id, position, experiment, arm, label) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  for (let i = 0; i < sweep.cells.length; i++) {
    const c = sweep.cells[i]!;
    cell.run(c.cellId, canonicalJson(c.config), now);
    member.run(sweep.name, c.cellId, i, c.experiment, c.arm, c.label);
    if (i % CHUNK === CHUNK - 1) yield;
  }
  const run = db.prepare(`INSERT OR IGNORE INTO runs(job_id, cell_id, seed, status, created_at) VALUES (?, ?, ?, 'pending', ?)`);
  db.prepare(`DELETE FROM sweep_jobs WHERE sweep = ?`).run(sweep.name);
  const job = db.prepare(`INSERT INTO sweep_jobs(sweep, job_id, position) VALUES (?, ?, ?)`);
  for (let i = 0; i < sweep.jobs.length; i++) {
    const j = sweep.jobs[i]!;
    run.run(j.jobId, j.cellId, j.seed, now);
    job.run(sweep.name, j.jobId, i);
    if (i % CHUNK === CHUNK - 1) yield;
  }
  const retried = db
    .prepare(
      `UPDATE runs SET status = 'pending' WHERE status = 'failed' AND job_id IN (SELECT job_id FROM sweep_jobs WHERE sweep = ?)`,
    )
    .run(sweep.name).changes;
  const done = db
    .prepare(
      `SELECT COUNT(*) AS n FROM sweep_jobs sj JOIN runs r ON r.job_id = sj.job_id WHERE sj.sweep = ? AND r.status = 'done'`,
    )
    .get(sweep.name) as { n: number };
  return { total: sweep.jobs.length, done: done.n, retried };
}

/** Stores the sweep, its cells and its jobs (new jobs pending, known ones untouched), in one transaction. */
export function registerSweep(db: DB, sweep: ResolvedSweep, codeVersion: string): Registered {
  const tx = db.transaction((): Registered => {
    const g = registering(db, sweep, codeVersion);
    for (;;) {
      const r = g.next();
      if (r.done) return r.value;
    }
  });
  return tx.immediate();
}

/**
 * registerSweep in one transaction that yields to the event loop every few thousand rows, so that
 * a big sweep's registration stops promptly when `signal` aborts: it is rolled back (the store is as
 * before) and RegistrationAborted is thrown. Other writers wait on the lock meanwhile, as before.
 */
export async function registerSweepAsync(db: DB, sweep: ResolvedSweep, codeVersion: string, signal?: AbortSignal): Promise<Registered> {
  if (sweep.cells.length + sweep.jobs.length <= CHUNK) return registerSweep(db, sweep, codeVersion);
  db.exec("BEGIN IMMEDIATE");
  try {
    const g = registering(db, sweep, codeVersion);
    for (;;) {
      const r = g.next();
      if (r.done) {
        db.exec("COMMIT");
        return r.value;
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (signal?.aborted) throw new RegistrationAborted(`interrupted while registering sweep ${sweep.name}; nothing of it was written`);
    }
  } catch (err) {
    if (db.inTransaction) db.exec("ROLLBACK");
    throw err;
  }
}

/** Appends a (re)start to the run's history: the step it resumed from and any rejected checkpoints. */
export function noteStart(
  db: DB, jobId: string, owner: string, fromStep: number, rejected: { step: number; reason: string }[],
): void {
  const entry = JSON.stringify({ at: nowIso(), owner, from_step: fromStep, rejected });
  db.prepare(`UPDATE runs SET resumes_json = json_insert(resumes_json, '$[#]', json(?)), last_step = ? WHERE job_id = ?`).run(
    entry, fromStep, jobId,
  );
}

/** The stored outcome: the trainer's status, and diverged whenever a logged loss is not finite. */
export function outcomeOf(r: SeedResult): SeedStatus {
  if (r.status === "diverged") return "diverged";
  const bad = r.log.some((x) => !Number.isFinite(x.train_loss)) || (r.final !== null && !Number.isFinite(r.final.train_loss));
  return bad ? "diverged" : r.status;
}

const SERIES_COLS = [
  "train_loss", "test_loss", "train_acc", "test_acc", "weight_norm", "logit_scale", "frac_saturated", "collapse_rate", "fourier_top5",
] as const satisfies readonly (keyof LogRow)[];
export { SERIES_COLS };

/**
 * Records a finished run and its series in one transaction, if this owner still holds the claim.
 * Returns false (writing nothing) when the claim was lost: another process owns the job now.
 */
export function recordDone(db: DB, jobId: string, owner: string, r: SeedResult, codeVersion: string): boolean {
  const tx = db.transaction((): boolean => {
    const status = outcomeOf(r);
    const diverged = status === "diverged";
    const upd = db
      .prepare(
        `UPDATE runs SET status = 'done', result = @result, T_mem = @T_mem, T_grok = @T_grok, delay = @delay,
           norm_at_grok = @norm_at_grok, norm_at_fork = @norm_at_fork, steps_run = @steps_run, wall_s = @wall_s,
           code_version = @code, final_json = @final, error = NULL, claimed_by = NULL, heartbeat = NULL,
           last_step = @steps_run, finished_at = @now
         WHERE job_id = @job AND status = 'running' AND claimed_by = @owner`,
      )
      .run({
        result: status, T_mem: r.T_mem, T_grok: diverged ? null : r.T_grok, delay: diverged ? null : r.delay,
        norm_at_grok: diverged ? null : r.norm_at_grok, norm_at_fork: r.norm_at_fork, steps_run: r.steps_run,
        wall_s: r.wall_s, code: codeVersion, final: r.final === null ? null : toJson(r.final), now: nowIso(),
        job: jobId, owner,
      });
    if (upd.changes !== 1) return false;
    db.prepare(`DELETE FROM series WHERE job_id = ?`).run(jobId);
    const ins = db.prepare(
      `INSERT INTO series(job_id, step, ${SERIES_COLS.join(", ")}, norms_json) VALUES (?, ?, ${SERIES_COLS.map(() => "?").join(", ")}, ?)`,
    );
    for (const row of r.log) ins.run(jobId, row.step, ...SERIES_COLS.map((c) => row[c]), toJson(row.norms));
    db.prepare(`DELETE FROM live WHERE job_id = ?`).run(jobId);
    return true;
  });
  return tx.immediate();
}

/** Marks a run failed (an error in the runner): a later invocation of its sweep retries it. */
export function recordFailed(db: DB, jobId: string, owner: string, message: string): boolean {
  return (
    db
      .prepare(
        `UPDATE runs SET status = 'failed', error = ?, claimed_by = NULL, heartbeat = NULL, finished_at = ?
         WHERE job_id = ? AND claimed_by = ? AND status = 'running'`,
      )
      .run(message.slice(0, 4000), nowIso(), jobId, owner).changes === 1
  );
}

/** Adds live rows (recent LogRows of running jobs) for dashboards; cleared when the run is recorded. */
export function addLiveRows(db: DB, rows: { jobId: string; row: LogRow }[]): void {
  if (rows.length === 0) return;
  const ins = db.prepare(`INSERT OR REPLACE INTO live(job_id, step, row_json) VALUES (?, ?, ?)`);
  db.transaction(() => {
    for (const { jobId, row } of rows) ins.run(jobId, row.step, toJson(row));
  }).immediate();
}
