// Array-job sharding and merging, without Redis: the N shards of a sweep partition its jobs; their
// stores, merged, hold exactly the local run's results (same bits); merging again changes nothing;
// a conflicting duplicate is refused with the job named and nothing written; the CLI runs a shard.
import { copyFileSync, writeFileSync } from "node:fs";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseShard, shardJobs } from "../../src/distributed/jobs.js";
import { runShard } from "../../src/distributed/local.js";
import { MergeConflictError, mergeStores } from "../../src/distributed/merge.js";
import { runSweep } from "../../src/sweep/run.js";
import { resolveSweepSpec } from "../../src/experiments/sweep-spec.js";
import { TINY, cleanupTmp, query, storedResults, tmpStore } from "../sweep/helpers.js";
import { ensureBuiltDistributed, gs } from "./helpers.js";

const spec = { name: "sh", seeds: 3, base: TINY, grid: { tau: [1, 1.5] } };
const JOBS = 6;

afterAll(cleanupTmp);

describe("shards and merge", () => {
  let reference: string;
  let shards: string[];
  beforeAll(async () => {
    ensureBuiltDistributed();
    reference = tmpStore("sh-ref");
    expect((await runSweep(spec, { store: reference, workers: 2 })).ran).toBe(JOBS);
    shards = [];
    for (let i = 0; i < 3; i++) {
      const store = tmpStore(`sh-${i}`);
      const s = await runShard(spec, { store, workers: 2, shard: { index: i, count: 3 } });
      expect(s).toMatchObject({ total: 2, ran: 2, left: 0, failed: 0 });
      shards.push(store);
    }
  });

  it("slices are deterministic and partition the jobs", () => {
    const sweep = resolveSweepSpec(spec);
    const slices = [0, 1, 2].map((i) => shardJobs(sweep, { index: i, count: 3 }).map((j) => j.jobId));
    expect(slices.flat().sort()).toEqual(sweep.jobs.map((j) => j.jobId).sort());
    expect(new Set(slices.flat()).size).toBe(JOBS);
    expect(slices[1]).toEqual([sweep.jobs[1]!.jobId, sweep.jobs[4]!.jobId]); // position mod N
    expect(parseShard("2/3")).toEqual({ index: 2, count: 3 });
    expect(() => parseShard("3/3")).toThrow(/I must be below N \(shards are 0\.\.2\)/);
    expect(() => parseShard("1-3")).toThrow(/expected I\/N/);
  });

  it("each shard store holds the whole sweep, with only its slice done", () => {
    for (const s of shards) {
      expect(query(s, `SELECT COUNT(*) AS n FROM sweep_jobs`)).toEqual([{ n: JOBS }]);
      expect(query(s, `SELECT COUNT(*) AS n FROM runs WHERE status = 'done'`)).toEqual([{ n: 2 }]);
    }
  });

  it("merging the shards gives the local run's results, bit for bit; merging again changes nothing", async () => {
    const merged = tmpStore("sh-merged");
    const r = await gs(["merge", ...shards, "--store", merged, "--json"]).done;
    expect(r.code, r.stderr).toBe(0);
    const sum = JSON.parse(r.stdout) as { sources: { added: number; updated: number }[] };
    expect(sum.sources.map((x) => [x.added, x.updated])).toEqual([[JOBS, 0], [0, 2], [0, 2]]); // all rows, then each shard's finished ones
    expect(storedResults(merged)).toEqual(storedResults(reference));
    expect(query(merged, `SELECT COUNT(*) AS n FROM sweep_jobs`)).toEqual([{ n: JOBS }]);
    expect(query(merged, `SELECT name FROM sweeps`)).toEqual([{ name: "sh" }]);
    const again = mergeStores(merged, [...shards, reference]);
    expect(again.sources.every((x) => x.added === 0 && x.updated === 0)).toBe(true);
    expect(again.sources.at(-1)!.identical).toBe(JOBS); // the local run's store agrees with every merged result
    expect(storedResults(merged)).toEqual(storedResults(reference));
    const text = await gs(["status", "--store", merged]).done;
    expect(text.stdout).toMatch(new RegExp(`${JOBS} jobs: ${JOBS} done`));
  });

  it("refuses a conflicting duplicate, naming the job, and writes nothing", async () => {
    const merged = tmpStore("sh-conflict");
    mergeStores(merged, [shards[0]!]);
    const bad = tmpStore("sh-bad");
    copyFileSync(shards[0]!, bad); // the same finished jobs as the target...
    const db = new Database(bad);
    const job = (db.prepare(`SELECT job_id FROM runs WHERE status = 'done' ORDER BY job_id LIMIT 1`).get() as { job_id: string }).job_id;
    db.prepare(`UPDATE series SET test_loss = test_loss * (1 + 1e-15) WHERE job_id = ? AND step = 25`).run(job); // ...one bit off
    db.close();
    const before = storedResults(merged);
    expect(() => mergeStores(merged, [shards[1]!, bad])).toThrow(MergeConflictError);
    expect(() => mergeStores(merged, [bad])).toThrow(new RegExp(`job ${job} .* different results .*series at step 25, test_loss`));
    expect(storedResults(merged)).toEqual(before); // the clean shard in the same merge was not written either
    const r = await gs(["merge", bad, "--store", merged]).done;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(job);
  });

  it("the sweep command runs one shard", async () => {
    const store = tmpStore("sh-cli");
    const specPath = store.replace(/store\.db$/, "spec.json");
    writeFileSync(specPath, JSON.stringify(spec));
    const r = await gs(["sweep", specPath, "--shard", "1/2", "--store", store, "--workers", "2", "--json"]).done;
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ total: 3, ran: 3, left: 0 });
    const ref = storedResults(reference);
    for (const [id, run] of storedResults(store)) if (run.status === "done") expect(run).toEqual(ref.get(id));
    const bad = await gs(["sweep", specPath, "--shard", "2/2", "--store", store]).done;
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/invalid --shard 2\/2: I must be below N/);
  });
});
