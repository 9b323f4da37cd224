// What a results store holds: per sweep, its cells and jobs by state and outcome, and the
// unfinished jobs with how far they got and whether their claimer is still alive. Read-only data
// for `grokscale status` and dashboards; nothing here writes or prints.

import { checkpointedJobs } from "./checkpoints.js";
import { ownerIsDead } from "./claims.js";
import { checkpointRoot, type DB } from "./store.js";

export interface UnfinishedJob {
  jobId: string;
  label: string;
  seed: number;
  status: "pending" | "running" | "failed";
  last_step: number | null;
  steps: number;
  claimed_by: string | null;
  /** seconds since the claimer's last heartbeat (running jobs) */
  heartbeat_age_s: number | null;
  /** a running job whose claimer is gone (same host, pid dead): the next sweep takes it over */
  orphaned: boolean;
  error: string | null;
}

export interface SweepStatus {
  name: string;
  updated_at: string;
  code_version: string;
  cells: number;
  total: number;
  done: number;
  grokked: number;
  censored: number;
  diverged: number;
  pending: number;
  running: number;
  failed: number;
  unfinished: UnfinishedJob[];
}

export interface StoreStatus {
  store: string;
  schema_version: number;
  sweeps: SweepStatus[];
  /** jobs with checkpoint files on disk */
  checkpointed_jobs: number;
}

export function storeStatus(db: DB, storePath: string, only?: string, now: number = Date.now()): StoreStatus {
  const sweeps = db
    .prepare(`SELECT name, updated_at, code_version FROM sweeps WHERE (@only IS NULL OR name = @only) ORDER BY created_at, name`)
    .all({ only: only ?? null }) as { name: string; updated_at: string; code_version: string }[];
  const counts = db.prepare(
    `SELECT COUNT(*) AS total, SUM(r.status = 'done') AS done, SUM(r.result = 'grokked') AS grokked,
       SUM(r.result = 'censored') AS censored, SUM(r.result = 'diverged') AS diverged,
       SUM(r.status = 'pending') AS pending, SUM(r.status = 'running') AS running, SUM(r.status = 'failed') AS failed
     FROM sweep_jobs sj JOIN runs r ON r.job_id = sj.job_id WHERE sj.sweep = ?`,
  );
  const cells = db.prepare(`SELECT COUNT(DISTINCT cell_id) AS n FROM sweep_cells WHERE sweep = ?`);
  const open = db.prepare(
    `SELECT r.job_id, r.seed, r.status, r.last_step, r.claimed_by, r.heartbeat, r.error, c.config_json,
       (SELECT label FROM sweep_cells sc WHERE sc.sweep = sj.sweep AND sc.cell_id = r.cell_id ORDER BY position LIMIT 1) AS label
     FROM sweep_jobs sj JOIN runs r ON r.job_id = sj.job_id JOIN cells c ON c.id = r.cell_id
     WHERE sj.sweep = ? AND r.status != 'done' ORDER BY sj.position`,
  );
  const out: SweepStatus[] = sweeps.map((s) => {
    const n = counts.get(s.name) as Record<string, number | null>;
    const num = (k: string): number => n[k] ?? 0;
    const rows = open.all(s.name) as {
      job_id: string; seed: number; status: UnfinishedJob["status"]; last_step: number | null; claimed_by: string | null;
      heartbeat: number | null; error: string | null; config_json: string; label: string | null;
    }[];
    return {
      name: s.name, updated_at: s.updated_at, code_version: s.code_version,
      cells: (cells.get(s.name) as { n: number }).n,
      total: num("total"), done: num("done"), grokked: num("grokked"), censored: num("censored"), diverged: num("diverged"),
      pending: num("pending"), running: num("running"), failed: num("failed"),
      unfinished: rows.map((r) => ({
        jobId: r.job_id, label: r.label ?? "", seed: r.seed, status: r.status, last_step: r.last_step,
        steps: (JSON.parse(r.config_json) as { steps: number }).steps, claimed_by: r.claimed_by,
        heartbeat_age_s: r.heartbeat === null ? null : (now - r.heartbeat) / 1000,
        orphaned: r.status === "running" && r.claimed_by !== null && ownerIsDead(r.claimed_by, ""),
        error: r.error,
      })),
    };
  });
  return {
    store: storePath,
    schema_version: db.pragma("user_version", { simple: true }) as number,
    sweeps: out,
    checkpointed_jobs: checkpointedJobs(checkpointRoot(storePath)).length,
  };
}

/** Done and failed counts of a subset of jobs (a shard, the queue coordinator's jobs). */
export function countsOf(db: DB, jobIds: readonly string[]): { done: number; failed: number } {
  const r = db
    .prepare(
      `SELECT SUM(status = 'done') AS done, SUM(status = 'failed') AS failed FROM runs
       WHERE job_id IN (SELECT value FROM json_each(?))`,
    )
    .get(JSON.stringify(jobIds)) as { done: number | null; failed: number | null };
  return { done: r.done ?? 0, failed: r.failed ?? 0 };
}
