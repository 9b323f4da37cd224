// The job bookkeeping the coordinator and the sharded local run share: `--shard I/N` slices of a
// resolved sweep (deterministic, by position in the spec's job order), claiming one named job in the
// store (the sweep's claim rules, for a job list instead of a whole sweep), and counting a subset's
// states for progress. No queue, no threads, no printing here.

import { ownerIsDead } from "../sweep/claims.js";
import type { Job, ResolvedSweep } from "../experiments/sweep-spec.js";
import type { DB } from "../sweep/store.js";

export class ShardError extends Error {}

export interface Shard {
  index: number;
  count: number;
}

/** Parses "I/N" (0 ≤ I < N); throws ShardError with the rule. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new ShardError(`invalid --shard ${JSON.stringify(text)}: expected I/N, e.g. 0/4 (I counts from 0)`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1) throw new ShardError(`invalid --shard ${text}: N must be at least 1`);
  if (index >= count) throw new ShardError(`invalid --shard ${text}: I must be below N (shards are 0..${count - 1})`);
  return { index, count };
}

/** The jobs of shard I of N: those whose position in the spec's job order is I mod N. */
export function shardJobs(sweep: ResolvedSweep, shard: Shard | null | undefined): Job[] {
  if (!shard) return sweep.jobs;
  return sweep.jobs.filter((_, i) => i % shard.count === shard.index);
}

/** A label per job, for displays: the cell's label. */
export function jobLabels(sweep: ResolvedSweep): Map<string, string> {
  const byCell = new Map<string, string>();
  for (const c of sweep.cells) if (!byCell.has(c.cellId)) byCell.set(c.cellId, c.label);
  return new Map(sweep.jobs.map((j) => [j.jobId, byCell.get(j.cellId) ?? j.cellId.slice(0, 12)]));
}

/**
 * Claims one job if it is pending, or running under a claimer that is dead (same host, pid gone) or
 * silent for staleMs; true when this owner now holds it. Same rules as claims.ts's claimNext.
 */
export function claimJob(db: DB, jobId: string, owner: string, staleMs: number, now: number = Date.now()): boolean {
  const row = db.prepare(`SELECT status, claimed_by AS by, heartbeat FROM runs WHERE job_id = ?`).get(jobId) as
    | { status: string; by: string | null; heartbeat: number | null }
    | undefined;
  if (!row) return false;
  if (row.status === "running" && row.by === owner) return true;
  const takeable =
    row.status === "pending" ||
    (row.status === "running" && row.by !== null && ((row.heartbeat ?? 0) < now - staleMs || ownerIsDead(row.by, owner)));
  if (!takeable) return false;
  const tx = db.transaction(
    () =>
      db
        .prepare(
          `UPDATE runs SET status = 'running', claimed_by = @owner, claimed_at = @now, heartbeat = @now,
             claims = claims + 1, error = NULL
           WHERE job_id = @job AND status = @status AND claimed_by IS @by`,
        )
        .run({ owner, now, job: jobId, status: row.status, by: row.by }).changes === 1,
  );
  return tx.immediate();
}

/** Statuses of a subset of jobs: job id → status. */
export function statusesOf(db: DB, jobIds: readonly string[]): Map<string, string> {
  const rows = db
    .prepare(`SELECT job_id AS id, status FROM runs WHERE job_id IN (SELECT value FROM json_each(?))`)
    .all(JSON.stringify(jobIds)) as { id: string; status: string }[];
  return new Map(rows.map((r) => [r.id, r.status]));
}

/** Done and failed counts of a subset. */
export function countsOf(db: DB, jobIds: readonly string[]): { done: number; failed: number } {
  const r = db
    .prepare(
      `SELECT SUM(status = 'done') AS done, SUM(status = 'failed') AS failed FROM runs
       WHERE job_id IN (SELECT value FROM json_each(?))`,
    )
    .get(JSON.stringify(jobIds)) as { done: number | null; failed: number | null };
  return { done: r.done ?? 0, failed: r.failed ?? 0 };
}
