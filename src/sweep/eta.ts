// The sweep's ETA from the cost model (experiments/cost.ts), not from step budgets: each job is
// expected to take expectedSteps(config) steps (most stop at grokking long before their budget), a
// step costs stepCost(config) units, and the seconds per unit are learnt from the jobs running here.
// As jobs finish, their actual steps correct the model's expected steps (one factor for the sweep).
// Pure bookkeeping over times the caller passes in; the sweep runner (run.ts) and the queue's
// coordinator (distributed/coordinator.ts) feed it.

import type { RunConfig } from "../base/config.js";
import { expectedSteps, stepCost } from "../experiments/cost.js";

interface Running {
  config: RunConfig;
  /** its latest step, and when that was reported (null before the first report) */
  step: number;
  at: number | null;
}

export class EtaModel {
  private readonly running = new Map<string, Running>();
  /** cost units done and seconds spent, over progress seen in this process */
  private units = 0;
  private seconds = 0;
  /** Σ actual and Σ expected steps of finished jobs */
  private actualSteps = 0;
  private expectedDone = 0;

  constructor(private readonly slots: number) {}

  /** Whether the job is running (started and not finished). */
  has(jobId: string): boolean {
    return this.running.has(jobId);
  }

  start(jobId: string, config: RunConfig, fromStep: number): void {
    this.running.set(jobId, { config, step: fromStep, at: null });
  }

  /** A progress report of a running job at clock `now` (seconds); a repeat of its last step is no news. */
  progress(jobId: string, step: number, now: number): void {
    const r = this.running.get(jobId);
    if (!r || (r.at !== null && step === r.step)) return;
    // the first report starts the clock (start-up and resume costs are not steps)
    if (r.at !== null && step > r.step) {
      this.units += (step - r.step) * stepCost(r.config);
      this.seconds += now - r.at;
    }
    r.step = step;
    r.at = now;
  }

  /** A job ended: stepsRun is its final step count when it finished (null when stopped or failed). */
  finish(jobId: string, stepsRun: number | null): void {
    const r = this.running.get(jobId);
    this.running.delete(jobId);
    if (!r || stepsRun === null) return;
    this.actualSteps += stepsRun;
    this.expectedDone += expectedSteps(r.config);
  }

  /** The sweep's correction of expected steps from its finished jobs (1 before any finished). */
  get factor(): number {
    return this.expectedDone > 0 ? this.actualSteps / this.expectedDone : 1;
  }

  /** Seconds per cost unit (null before any step was timed). */
  get rate(): number | null {
    return this.units > 0 ? this.seconds / this.units : null;
  }

  /** Expected steps left of a job at `step`: the corrected expectation, capped by its budget. */
  private stepsLeft(c: RunConfig, step: number): number {
    return Math.max(0, Math.min(c.steps, expectedSteps(c) * this.factor) - step);
  }

  /**
   * Seconds until the pending jobs (not started) and the running ones finish on `slots` workers (the
   * constructor's, unless given: a queue learns its workers as they show up): their expected remaining
   * work over the slots, but never less than the longest running job's rest.
   */
  eta(pending: Iterable<RunConfig>, slots = this.slots): number | null {
    const rate = this.rate;
    if (rate === null) return null;
    let units = 0;
    let longest = 0;
    for (const r of this.running.values()) {
      const u = this.stepsLeft(r.config, r.step) * stepCost(r.config);
      units += u;
      longest = Math.max(longest, u);
    }
    for (const c of pending) units += this.stepsLeft(c, 0) * stepCost(c);
    return Math.max((units * rate) / slots, longest * rate);
  }
}
