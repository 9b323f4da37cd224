// Claiming jobs so that several processes on one store never run a job twice: a claim is one
// atomic UPDATE of a pending job (or of a running job whose claimer is dead: same host and its pid
// gone, or its heartbeat older than the timeout), inside an immediate transaction. Heartbeats keep
// live claims fresh; release hands a stopped job back. No training and no result writing here.

import { hostname } from "node:os";
import type { DB } from "./store.js";

/** Identifies one sweep process: host, pid and start time (the pid alone may be reused). */
export function ownerId(now: number = Date.now()): string {
  return `${hostname()}|${process.pid}|${now}`;
}

/** True when the owner is a process of this host that no longer exists (`self`: this process's id). */
export function ownerIsDead(owner: string, self: string): boolean {
  if (owner === self) return false;
  const [host, pidText] = owner.split("|");
  if (host !== hostname()) return false;
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true; // an earlier process that had our pid (containers reuse low pids)
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
}

export interface ClaimOptions {
  owner: string;
  /** a running job whose heartbeat is older than this many ms is reclaimable */
  staleMs: number;
  now?: number;
}

export interface Claimed {
  jobId: string;
  /** the job was running under another (dead or silent) claimer */
  reclaimed: boolean;
}

/** The claim rule, as SQL over `runs r`: a pending job, or a running one whose claimer is not @owner
 *  and is silent since @stale or among the @dead owners (a JSON list). */
const TAKEABLE = `(r.status = 'pending' OR (r.status = 'running' AND r.claimed_by != @owner AND
  (r.heartbeat < @stale OR r.claimed_by IN (SELECT value FROM json_each(@dead)))))`;

/** Claimers of this host that are gone (their pids checked), among those running the jobs `from` selects. */
function deadOwners(db: DB, from: string, params: Record<string, unknown>, self: string): string {
  const owners = db
    .prepare(`SELECT DISTINCT r.claimed_by AS o ${from} AND r.status = 'running' AND r.claimed_by IS NOT NULL AND r.claimed_by != @owner`)
    .all({ ...params, owner: self }) as { o: string }[];
  return JSON.stringify(owners.map((x) => x.o).filter((o) => ownerIsDead(o, self)));
}

/** Takes the job the rule selected (status as read): one atomic UPDATE, null if another got there first. */
function take(db: DB, row: { jobId: string; status: string } | undefined, owner: string, now: number): Claimed | null {
  if (!row) return null;
  const upd = db
    .prepare(
      `UPDATE runs SET status = 'running', claimed_by = @owner, claimed_at = @now, heartbeat = @now,
         claims = claims + 1, error = NULL
       WHERE job_id = @job AND status = @status`,
    )
    .run({ owner, now, job: row.jobId, status: row.status });
  return upd.changes === 1 ? { jobId: row.jobId, reclaimed: row.status === "running" } : null;
}

/** Claims the next unfinished job of `sweep` (in spec order), or returns null if none is claimable. */
export function claimNext(db: DB, sweep: string, opts: ClaimOptions): Claimed | null {
  const now = opts.now ?? Date.now();
  const from = `FROM sweep_jobs sj JOIN runs r ON r.job_id = sj.job_id WHERE sj.sweep = @sweep`;
  const dead = deadOwners(db, from, { sweep }, opts.owner);
  const tx = db.transaction((): Claimed | null => {
    const row = db
      .prepare(`SELECT r.job_id AS jobId, r.status AS status ${from} AND ${TAKEABLE} ORDER BY sj.position LIMIT 1`)
      .get({ sweep, owner: opts.owner, stale: now - opts.staleMs, dead }) as { jobId: string; status: string } | undefined;
    return take(db, row, opts.owner, now);
  });
  return tx.immediate();
}

/** Claims one named job by the same rule (for a slice of a sweep: shards, the queue's coordinator). */
export function claimJob(db: DB, jobId: string, opts: ClaimOptions): Claimed | null {
  const now = opts.now ?? Date.now();
  const from = `FROM runs r WHERE r.job_id = @job`;
  const dead = deadOwners(db, from, { job: jobId }, opts.owner);
  const tx = db.transaction((): Claimed | null => {
    const row = db
      .prepare(`SELECT r.job_id AS jobId, r.status AS status ${from} AND ${TAKEABLE}`)
      .get({ job: jobId, owner: opts.owner, stale: now - opts.staleMs, dead }) as { jobId: string; status: string } | undefined;
    return take(db, row, opts.owner, now);
  });
  return tx.immediate();
}

/**
 * Refreshes the heartbeat of every job this owner runs, noting how far each has got (for status);
 * returns how many claims it still holds.
 */
export function heartbeat(db: DB, owner: string, progress: { jobId: string; step: number }[] = [], now: number = Date.now()): number {
  const tx = db.transaction((): number => {
    const step = db.prepare(`UPDATE runs SET last_step = ? WHERE job_id = ? AND claimed_by = ? AND status = 'running'`);
    for (const p of progress) step.run(p.step, p.jobId, owner);
    return db.prepare(`UPDATE runs SET heartbeat = ? WHERE claimed_by = ? AND status = 'running'`).run(now, owner).changes;
  });
  return tx.immediate();
}

/** Hands a job back (stopped on request): pending again, claim cleared, progress noted. */
export function release(db: DB, jobId: string, owner: string, lastStep: number | null): boolean {
  return (
    db
      .prepare(
        `UPDATE runs SET status = 'pending', claimed_by = NULL, heartbeat = NULL, last_step = COALESCE(?, last_step)
         WHERE job_id = ? AND claimed_by = ? AND status = 'running'`,
      )
      .run(lastStep, jobId, owner).changes === 1
  );
}

/** Does this owner still hold the claim on the job? */
export function holdsClaim(db: DB, jobId: string, owner: string): boolean {
  return db.prepare(`SELECT 1 FROM runs WHERE job_id = ? AND claimed_by = ? AND status = 'running'`).get(jobId, owner) !== undefined;
}
