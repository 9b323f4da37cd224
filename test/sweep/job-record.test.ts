// The record step every job path shares (sweep/job-record.ts): a run is checked against its job
// (seed, budget) before anything is written; its starts and result are written together while the
// claim holds, and nothing (no start note either) when the claim is lost; outcomes and failures are
// counted in the caller's tally.
import { afterAll, describe, expect, it } from "vitest";
import { claimJob, ownerId } from "../../src/sweep/claims.js";
import { recordJobDone, recordJobFailed, runMismatch, type JobTally } from "../../src/sweep/job-record.js";
import { registerSweep } from "../../src/sweep/record.js";
import { resolveSweepSpec } from "../../src/experiments/sweep-spec.js";
import { openStore } from "../../src/sweep/store.js";
import type { SeedResult } from "../../src/base/results.js";
import { TINY, tmpStore, cleanupTmp } from "./helpers.js";

afterAll(cleanupTmp);

const tally = (): JobTally => ({ ran: 0, grokked: 0, censored: 0, diverged: 0, failed: 0, errors: [] });
const run = (seed: number, over: Partial<SeedResult> = {}): SeedResult => ({
  seed, status: "grokked", T_mem: 50, T_grok: 200, delay: 150, grokked: true, steps_run: 200, wall_s: 0.5,
  norm_at_grok: 3, norm_at_fork: null, final: null, log: [], ...over,
});

function setup() {
  const db = openStore(tmpStore("job-record"));
  const sweep = resolveSweepSpec({ name: "r", seeds: 3, base: TINY });
  registerSweep(db, sweep, "test");
  return { db, jobs: sweep.jobs };
}
const row = (db: ReturnType<typeof openStore>, id: string) =>
  db.prepare(`SELECT status, result, T_grok, resumes_json, error FROM runs WHERE job_id = ?`).get(id) as {
    status: string; result: string | null; T_grok: number | null; resumes_json: string; error: string | null;
  };

describe("recordJobDone / recordJobFailed", () => {
  it("refuses a run of another seed or over its budget, writing nothing", () => {
    const { db, jobs } = setup();
    const me = ownerId();
    const job = jobs[1]!;
    claimJob(db, job.jobId, { owner: me, staleMs: 60_000 });
    const t = tally();
    expect(runMismatch(job, run(1))).toBeNull();
    expect(recordJobDone(db, t, job, me, run(0), "v")).toEqual({ kind: "rejected", reason: "seed mismatch: result has 0, job has 1" });
    expect(recordJobDone(db, t, job, me, run(1, { steps_run: TINY.steps + 1 }), "v")).toEqual({
      kind: "rejected", reason: `result ran ${TINY.steps + 1} steps, the budget is ${TINY.steps}`,
    });
    expect(row(db, job.jobId).status).toBe("running");
    expect(t).toEqual(tally());
  });

  it("writes the starts and the result together and counts the outcome; a lost claim writes neither", () => {
    const { db, jobs } = setup();
    const me = ownerId();
    const [a, b] = [jobs[0]!, jobs[1]!];
    claimJob(db, a.jobId, { owner: me, staleMs: 60_000 });
    const t = tally();
    const starts = [{ owner: "w1", fromStep: 0, rejected: [] }, { owner: "w2", fromStep: 100, rejected: [{ step: 150, reason: "bad" }] }];
    expect(recordJobDone(db, t, a, me, run(0), "v", starts)).toEqual({ kind: "recorded" });
    const r = row(db, a.jobId);
    expect(r).toMatchObject({ status: "done", result: "grokked", T_grok: 200 });
    expect((JSON.parse(r.resumes_json) as { owner: string; from_step: number }[]).map((x) => [x.owner, x.from_step])).toEqual([["w1", 0], ["w2", 100]]);
    expect(t).toMatchObject({ ran: 1, grokked: 1, censored: 0, diverged: 0 });
    // job b is claimed by another owner: nothing is written, not even the start notes
    claimJob(db, b.jobId, { owner: "someone|1|else", staleMs: 60_000 });
    const before = row(db, b.jobId);
    expect(recordJobDone(db, t, b, me, run(1, { status: "censored", T_grok: null, grokked: false }), "v", starts)).toEqual({ kind: "lost" });
    expect(row(db, b.jobId)).toEqual(before);
    expect(t.ran).toBe(1);
    // a diverged loss is counted as diverged, whatever the trainer said
    const c = jobs[2]!;
    claimJob(db, c.jobId, { owner: me, staleMs: 60_000 });
    expect(recordJobDone(db, t, c, me, run(2, { status: "censored", T_grok: null, grokked: false, final: { ...finalRow, train_loss: Number.NaN } }), "v").kind).toBe("recorded");
    expect(t).toMatchObject({ ran: 2, grokked: 1, diverged: 1 });
  });

  it("marks a failure and counts it, only while the claim holds", () => {
    const { db, jobs } = setup();
    const me = ownerId();
    claimJob(db, jobs[0]!.jobId, { owner: me, staleMs: 60_000 });
    const t = tally();
    expect(recordJobFailed(db, t, jobs[0]!.jobId, me, "boom")).toBe(true);
    expect(row(db, jobs[0]!.jobId)).toMatchObject({ status: "failed", error: "boom" });
    expect(recordJobFailed(db, t, jobs[1]!.jobId, me, "not mine")).toBe(false); // never claimed
    expect(t).toMatchObject({ failed: 1, errors: [{ jobId: jobs[0]!.jobId, message: "boom" }] });
  });
});

const finalRow = {
  step: 300, train_loss: 0.1, test_loss: 0.2, train_acc: 1, test_acc: 0.5, weight_norm: 3, norms: { E: 1 },
  logit_scale: 2, frac_saturated: 0, collapse_rate: 0, fourier_top5: 0.5,
};
