// The job bookkeeping the coordinator and the sharded local run share: `--shard I/N` slices of a
// resolved sweep (deterministic, by position in the spec's job order), labels, and a subset's
// statuses. Claims are sweep/claims.ts's (claimJob), counts sweep/status.ts's. No queue, no threads,
// no printing here.

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

/** Statuses of a subset of jobs: job id → status. */
export function statusesOf(db: DB, jobIds: readonly string[]): Map<string, string> {
  const rows = db
    .prepare(`SELECT job_id AS id, status FROM runs WHERE job_id IN (SELECT value FROM json_each(?))`)
    .all(JSON.stringify(jobIds)) as { id: string; status: string }[];
  return new Map(rows.map((r) => [r.id, r.status]));
}
