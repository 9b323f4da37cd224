// Claims: a pending job is claimed once; a running job is left alone while its claimer lives and
// heartbeats, and is taken over when its claimer's process is gone (same host) or its heartbeat is
// older than the timeout (any host); a lost claim cannot record results. claimJob (one named job, for
// shards and the queue's coordinator) follows the same rule as claimNext, job by job.
import { spawn } from "node:child_process";
import { hostname } from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import { claimJob, claimNext, heartbeat, holdsClaim, ownerId, ownerIsDead, release } from "../../src/sweep/claims.js";
import { recordDone, registerSweep } from "../../src/sweep/record.js";
import { resolveSweepSpec } from "../../src/experiments/sweep-spec.js";
import { openStore } from "../../src/sweep/store.js";
import type { SeedResult } from "../../src/base/results.js";
import { TINY, tmpStore, cleanupTmp } from "./helpers.js";

afterAll(cleanupTmp);

function setup(seeds: number) {
  const db = openStore(tmpStore("claims"));
  const sweep = resolveSweepSpec({ name: "c", seeds, base: TINY });
  registerSweep(db, sweep, "test");
  return { db, jobs: sweep.jobs.map((j) => j.jobId) };
}

const setClaim = (db: ReturnType<typeof openStore>, job: string, owner: string, hb: number): void => {
  db.prepare(`UPDATE runs SET status = 'running', claimed_by = ?, heartbeat = ? WHERE job_id = ?`).run(owner, hb, job);
};

describe("claims", () => {
  it("claims pending jobs in spec order, each once", () => {
    const { db, jobs } = setup(3);
    const me = ownerId();
    expect(ownerIsDead(`${hostname()}|${process.pid}|earlier`, me)).toBe(true); // an earlier process with our pid
    expect(ownerIsDead(me, me)).toBe(false);
    const got = [claimNext(db, "c", { owner: me, staleMs: 60_000 }), claimNext(db, "c", { owner: me, staleMs: 60_000 })];
    expect(got.map((c) => c!.jobId)).toEqual(jobs.slice(0, 2));
    expect(claimNext(db, "c", { owner: me, staleMs: 60_000 })!.jobId).toBe(jobs[2]);
    expect(claimNext(db, "c", { owner: me, staleMs: 60_000 })).toBeNull();
    expect(heartbeat(db, me, [{ jobId: jobs[0]!, step: 42 }])).toBe(3);
    expect(db.prepare(`SELECT last_step FROM runs WHERE job_id = ?`).get(jobs[0])).toEqual({ last_step: 42 });
    expect(release(db, jobs[1]!, me, 7)).toBe(true);
    expect(claimNext(db, "c", { owner: me, staleMs: 60_000 })).toEqual({ jobId: jobs[1], reclaimed: false });
    db.close();
  });

  it("takes over a job whose claimer died (same host) or fell silent (any host), not a live one", async () => {
    const { db, jobs } = setup(4);
    const me = ownerId();
    const now = Date.now();
    const child = spawn("sleep", ["30"]);
    const dead = spawn("true");
    await new Promise((r) => dead.on("exit", r));
    try {
      setClaim(db, jobs[0]!, `${hostname()}|${child.pid}|1`, now); // alive, fresh
      setClaim(db, jobs[1]!, `elsewhere|12345|1`, now); // another host, fresh
      setClaim(db, jobs[2]!, `elsewhere|12346|1`, now - 10 * 60_000); // another host, silent for 10 min
      setClaim(db, jobs[3]!, `${hostname()}|${dead.pid}|1`, now); // this host, process gone
      const a = claimNext(db, "c", { owner: me, staleMs: 120_000, now });
      const b = claimNext(db, "c", { owner: me, staleMs: 120_000, now });
      expect([a, b]).toEqual([
        { jobId: jobs[2], reclaimed: true },
        { jobId: jobs[3], reclaimed: true },
      ]);
      expect(claimNext(db, "c", { owner: me, staleMs: 120_000, now })).toBeNull();
      const claims = db.prepare(`SELECT claims FROM runs WHERE job_id = ?`);
      expect(claims.get(jobs[2])).toEqual({ claims: 1 });

      // the silent claimer comes back: its claim is gone, so it cannot record results
      const result = { seed: 0, status: "censored", T_mem: null, T_grok: null, delay: null, grokked: false, steps_run: 1, wall_s: 0, norm_at_grok: null, norm_at_fork: null, final: null, log: [] } satisfies SeedResult;
      expect(holdsClaim(db, jobs[2]!, "elsewhere|12346|1")).toBe(false);
      expect(recordDone(db, jobs[2]!, "elsewhere|12346|1", result, "test")).toBe(false);
      expect(recordDone(db, jobs[2]!, me, result, "test")).toBe(true);
    } finally {
      child.kill();
      db.close();
    }
  });

  it("claimJob takes a named job by the same rule: pending, silent or dead claimer; never a live one or its own", async () => {
    const { db, jobs } = setup(6);
    const me = ownerId();
    const now = Date.now();
    const child = spawn("sleep", ["30"]);
    const dead = spawn("true");
    await new Promise((r) => dead.on("exit", r));
    try {
      setClaim(db, jobs[0]!, `${hostname()}|${child.pid}|1`, now); // alive, fresh
      setClaim(db, jobs[1]!, `elsewhere|12345|1`, now); // another host, fresh
      setClaim(db, jobs[2]!, `elsewhere|12346|1`, now - 10 * 60_000); // another host, silent for 10 min
      setClaim(db, jobs[3]!, `${hostname()}|${dead.pid}|1`, now); // this host, process gone
      // jobs[4] pending; jobs[5] done
      db.prepare(`UPDATE runs SET status = 'done' WHERE job_id = ?`).run(jobs[5]);
      const o = { owner: me, staleMs: 120_000, now };
      expect(jobs.map((j) => claimJob(db, j, o))).toEqual([
        null,
        null,
        { jobId: jobs[2], reclaimed: true },
        { jobId: jobs[3], reclaimed: true },
        { jobId: jobs[4], reclaimed: false },
        null,
      ]);
      expect(jobs.map((j) => claimJob(db, j, o))).toEqual([null, null, null, null, null, null]); // held now, by this owner
      expect(claimJob(db, "no-such-job", o)).toBeNull();
    } finally {
      child.kill();
      db.close();
    }
  });
});
