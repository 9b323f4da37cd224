// The dashboard's read-only view of a results store: one read-only connection (the file must exist,
// short busy timeout so a locked store never freezes the event loop) whose reads are retried with
// asynchronous back-off while a running sweep holds a lock, then given up as StoreBusyError (503).
// It also holds the queries the API serves. It never writes, and computes no statistics.

import type { RunConfig } from "../base/config.js";
import type { LogRow } from "../base/results.js";
import { readRunSeries } from "../sweep/cells.js";
import { fromJson } from "../sweep/json.js";
import { storeStatus, type StoreStatus } from "../sweep/status.js";
import { openStore, type DB } from "../sweep/store.js";

/** The store stayed locked through every retry. */
export class StoreBusyError extends Error {}

const BUSY = /SQLITE_BUSY|SQLITE_LOCKED|database is locked/;
const isBusy = (err: unknown): boolean =>
  err instanceof Error && (BUSY.test(err.message) || BUSY.test(String((err as { code?: unknown }).code ?? "")));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface ReaderOptions {
  /** milliseconds SQLite itself waits on a lock per attempt (blocking; keep it short) */
  busyTimeoutMs?: number;
  /** total milliseconds of retrying before a read fails with StoreBusyError */
  retryForMs?: number;
}

export class StoreReader {
  readonly path: string;
  private db: DB;
  private readonly busyTimeoutMs: number;
  private readonly retryForMs: number;

  /** Opens the store read-only; throws StoreError when there is no store at `path`. */
  constructor(path: string, opts: ReaderOptions = {}) {
    this.path = path;
    this.busyTimeoutMs = opts.busyTimeoutMs ?? 200;
    this.retryForMs = opts.retryForMs ?? 5000;
    this.db = openStore(path, { readonly: true, busyTimeoutMs: this.busyTimeoutMs });
  }

  /** Runs `fn` on the connection, retrying (without blocking) while the store is locked. */
  async read<T>(fn: (db: DB) => T): Promise<T> {
    const t0 = Date.now();
    for (let wait = 25; ; wait = Math.min(400, wait * 2)) {
      try {
        return fn(this.db);
      } catch (err) {
        if (!isBusy(err)) throw err;
        if (Date.now() - t0 + wait > this.retryForMs) throw new StoreBusyError(`the store stayed locked for ${this.retryForMs} ms`);
        await sleep(wait);
      }
    }
  }

  /** Like read, for a function that opens its own connection (loadCellRecords). */
  async retry<T>(fn: () => Promise<T>): Promise<T> {
    const t0 = Date.now();
    for (let wait = 25; ; wait = Math.min(400, wait * 2)) {
      try {
        return await fn();
      } catch (err) {
        if (!isBusy(err)) throw err;
        if (Date.now() - t0 + wait > this.retryForMs) throw new StoreBusyError(`the store stayed locked for ${this.retryForMs} ms`);
        await sleep(wait);
      }
    }
  }

  close(): void {
    this.db.close();
  }
}

// ---------------------------------------------------------------- queries

/** What changes when results land: analysis caches are keyed on it. */
export function fingerprint(db: DB): string {
  const r = db
    .prepare(
      `SELECT (SELECT COUNT(*) FROM runs WHERE status = 'done') AS done, (SELECT MAX(finished_at) FROM runs) AS fin,
         (SELECT COUNT(*) FROM sweep_cells) AS members, (SELECT MAX(updated_at) FROM sweeps) AS upd`,
    )
    .get() as Record<string, unknown>;
  return JSON.stringify(r);
}

export function sweeps(db: DB, storePath: string): StoreStatus {
  return storeStatus(db, storePath);
}

export interface JobCounts {
  total: number;
  done: number;
  running: number;
  pending: number;
  failed: number;
  grokked: number;
  censored: number;
  diverged: number;
}

export interface CellMember {
  sweep: string;
  cell_id: string;
  position: number;
  experiment: string;
  arm: string;
  label: string;
  config: RunConfig;
  jobs: JobCounts;
}

/** Every (sweep, cell) membership, with the cell's config and its jobs in that sweep by state. */
export function cellMembers(db: DB, sweep: string | null, cellId: string | null = null): CellMember[] {
  const rows = db
    .prepare(
      `SELECT sc.sweep, sc.cell_id, sc.position, sc.experiment, sc.arm, sc.label, c.config_json,
         COUNT(r.job_id) AS total, SUM(r.status = 'done') AS done, SUM(r.status = 'running') AS running,
         SUM(r.status = 'pending') AS pending, SUM(r.status = 'failed') AS failed, SUM(r.result = 'grokked') AS grokked,
         SUM(r.result = 'censored') AS censored, SUM(r.result = 'diverged') AS diverged
       FROM sweep_cells sc JOIN cells c ON c.id = sc.cell_id
       LEFT JOIN runs r ON r.cell_id = sc.cell_id
         AND EXISTS (SELECT 1 FROM sweep_jobs sj WHERE sj.sweep = sc.sweep AND sj.job_id = r.job_id)
       WHERE (@sweep IS NULL OR sc.sweep = @sweep) AND (@cell IS NULL OR sc.cell_id = @cell)
       GROUP BY sc.sweep, sc.cell_id, sc.experiment, sc.arm, sc.label ORDER BY sc.sweep, sc.position`,
    )
    .all({ sweep, cell: cellId }) as (Record<string, number | null> & { sweep: string; cell_id: string; position: number; experiment: string; arm: string; label: string; config_json: string })[];
  const n = (v: number | null | undefined): number => v ?? 0;
  return rows.map((r) => ({
    sweep: r.sweep,
    cell_id: r.cell_id,
    position: r.position,
    experiment: r.experiment,
    arm: r.arm,
    label: r.label,
    config: JSON.parse(r.config_json) as RunConfig,
    jobs: {
      total: n(r["total"]), done: n(r["done"]), running: n(r["running"]), pending: n(r["pending"]), failed: n(r["failed"]),
      grokked: n(r["grokked"]), censored: n(r["censored"]), diverged: n(r["diverged"]),
    },
  }));
}

export function cellExists(db: DB, cellId: string): boolean {
  return db.prepare(`SELECT 1 FROM cells WHERE id = ?`).get(cellId) !== undefined;
}

export function cellConfig(db: DB, cellId: string): RunConfig | null {
  const r = db.prepare(`SELECT config_json FROM cells WHERE id = ?`).get(cellId) as { config_json: string } | undefined;
  return r ? (JSON.parse(r.config_json) as RunConfig) : null;
}

export interface RunInfo {
  job_id: string;
  cell_id: string;
  seed: number;
  status: "pending" | "running" | "done" | "failed";
  result: "grokked" | "censored" | "diverged" | null;
  T_mem: number | null;
  T_grok: number | null;
  delay: number | null;
  norm_at_grok: number | null;
  steps_run: number | null;
  last_step: number | null;
  wall_s: number | null;
  error: string | null;
}

const RUN_COLS = `job_id, cell_id, seed, status, result, T_mem, T_grok, delay, norm_at_grok, steps_run, last_step, wall_s, error`;

/** A cell's seed runs (every sweep's), by seed. */
export function cellRuns(db: DB, cellId: string): RunInfo[] {
  return db.prepare(`SELECT ${RUN_COLS} FROM runs WHERE cell_id = ? ORDER BY seed`).all(cellId) as RunInfo[];
}

export function runInfo(db: DB, jobId: string): RunInfo | null {
  return (db.prepare(`SELECT ${RUN_COLS} FROM runs WHERE job_id = ?`).get(jobId) as RunInfo | undefined) ?? null;
}

/** The live rows (recent LogRows of a running job) after `afterStep`, by step. */
export function liveRows(db: DB, jobId: string, afterStep = -1): LogRow[] {
  return (db.prepare(`SELECT row_json FROM live WHERE job_id = ? AND step > ? ORDER BY step`).all(jobId, afterStep) as { row_json: string }[]).map(
    (r) => fromJson<LogRow>(r.row_json),
  );
}

/** A run's curve: the recorded series once done, the live rows while it runs. */
export function runRows(db: DB, run: RunInfo): { source: "series" | "live" | "none"; rows: LogRow[] } {
  if (run.status === "done") return { source: "series", rows: readRunSeries(db, run.job_id) };
  const rows = liveRows(db, run.job_id);
  return rows.length > 0 ? { source: "live", rows } : { source: "none", rows: [] };
}

export interface LiveJob {
  job_id: string;
  cell_id: string;
  seed: number;
  sweep: string | null;
  label: string;
  experiment: string;
  arm: string;
  steps: number;
  last_step: number | null;
  /** seconds since the claimer's heartbeat */
  heartbeat_age_s: number | null;
  /** the last step with a live row, and how many live rows there are */
  live_step: number | null;
  live_rows: number;
}

/** Running jobs (and jobs that still have live rows), with where their live rows stand. */
export function liveJobs(db: DB, now: number = Date.now()): LiveJob[] {
  const rows = db
    .prepare(
      `WITH lv AS (SELECT job_id, MAX(step) AS live_step, COUNT(*) AS live_rows FROM live GROUP BY job_id),
         ids AS (SELECT job_id FROM runs WHERE status = 'running' UNION SELECT job_id FROM lv)
       SELECT r.job_id, r.cell_id, r.seed, r.last_step, r.heartbeat, c.config_json, lv.live_step, lv.live_rows,
         (SELECT sc.sweep || char(0) || sc.label || char(0) || sc.experiment || char(0) || sc.arm FROM sweep_cells sc
          WHERE sc.cell_id = r.cell_id ORDER BY sc.sweep, sc.position LIMIT 1) AS member
       FROM ids JOIN runs r ON r.job_id = ids.job_id JOIN cells c ON c.id = r.cell_id LEFT JOIN lv ON lv.job_id = r.job_id
       ORDER BY r.cell_id, r.seed`,
    )
    .all() as {
    job_id: string; cell_id: string; seed: number; last_step: number | null; heartbeat: number | null; config_json: string;
    live_step: number | null; live_rows: number | null; member: string | null;
  }[];
  return rows.map((r) => {
    const [sweep, label, experiment, arm] = r.member === null ? [null, "", "", ""] : r.member.split("\u0000");
    return {
      job_id: r.job_id, cell_id: r.cell_id, seed: r.seed, sweep: sweep ?? null, label: label ?? "", experiment: experiment ?? "",
      arm: arm ?? "", steps: (JSON.parse(r.config_json) as { steps: number }).steps, last_step: r.last_step,
      heartbeat_age_s: r.heartbeat === null ? null : (now - r.heartbeat) / 1000, live_step: r.live_step, live_rows: r.live_rows ?? 0,
    };
  });
}

/** At most `max` rows, evenly strided, always keeping the last one. */
export function thin<T>(rows: readonly T[], max: number): T[] {
  if (rows.length <= max) return [...rows];
  const stride = Math.ceil(rows.length / max);
  const out = rows.filter((_, i) => i % stride === 0);
  if ((rows.length - 1) % stride !== 0) {
    if (out.length >= max) out.pop();
    out.push(rows[rows.length - 1]!);
  }
  return out;
}
