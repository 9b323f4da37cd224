// The record step of every job-execution path (the local pool, shards, queue workers): a finished
// run is checked against the job it was asked for, its (re)starts and result are written in one
// transaction while the claim still holds, and the outcome is counted in the caller's tally; a
// failure is marked and counted the same way. Not here: how a result arrives (pool, queue).

import type { Job } from "../experiments/sweep-spec.js";
import type { SeedResult } from "../base/results.js";
import { noteStart, outcomeOf, recordDone, recordFailed } from "./record.js";
import type { DB } from "./store.js";

/** The counts a sweep keeps of what its invocation recorded (SweepSummary's). */
export interface JobTally {
  /** runs recorded by this invocation, by outcome */
  ran: number;
  grokked: number;
  censored: number;
  diverged: number;
  /** jobs marked failed by this invocation, with their messages */
  failed: number;
  errors: { jobId: string; message: string }[];
}

/** A (re)start of the run, for its history: who ran it, from which step, which checkpoints it refused. */
export interface JobStart {
  owner: string;
  fromStep: number;
  rejected: { step: number; reason: string }[];
}

/** recorded; lost: another process holds the claim now (nothing written); rejected: not this job's run. */
export type RecordOutcome = { kind: "recorded" } | { kind: "lost" } | { kind: "rejected"; reason: string };

/** Why a finished run is not a run of `job` (another seed, more steps than its budget), or null. */
export function runMismatch(job: Pick<Job, "seed" | "config">, r: SeedResult): string | null {
  if (r.seed !== job.seed) return `seed mismatch: result has ${r.seed}, job has ${job.seed}`;
  if (r.steps_run > job.config.steps) return `result ran ${r.steps_run} steps, the budget is ${job.config.steps}`;
  return null;
}

class LostClaim extends Error {}

/** Checks and records a finished run (with its starts, in one transaction) and counts it. */
export function recordJobDone(
  db: DB, tally: JobTally, job: Job, owner: string, r: SeedResult, codeVersion: string, starts: readonly JobStart[] = [],
): RecordOutcome {
  const why = runMismatch(job, r);
  if (why !== null) return { kind: "rejected", reason: why };
  try {
    db.transaction(() => {
      for (const s of starts) noteStart(db, job.jobId, s.owner, s.fromStep, s.rejected);
      if (!recordDone(db, job.jobId, owner, r, codeVersion)) throw new LostClaim();
    }).immediate();
  } catch (err) {
    if (err instanceof LostClaim) return { kind: "lost" };
    throw err;
  }
  tally.ran++;
  tally[outcomeOf(r)]++;
  return { kind: "recorded" };
}

/** Marks the job failed with `message` and counts it; false when the claim was lost (nothing written). */
export function recordJobFailed(db: DB, tally: JobTally, jobId: string, owner: string, message: string): boolean {
  if (!recordFailed(db, jobId, owner, message)) return false;
  tally.failed++;
  tally.errors.push({ jobId, message });
  return true;
}
