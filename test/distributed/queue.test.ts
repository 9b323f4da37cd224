// The queue against a real redis-server: a coordinator and two worker processes finish a sweep with
// the same bits as a local run, each job run once; forged results (a job nobody asked for, a config
// hash that does not match) are rejected and the sweep still ends with the right results; one
// coordinator per queue.
import { writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { Queue, Worker } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { acquireQueue, QueueBusyError, releaseQueue } from "../../src/distributed/lock.js";
import { encodeResult, keys } from "../../src/distributed/protocol.js";
import { runSweep } from "../../src/sweep/run.js";
import { TINY, cleanupTmp, query, storedResults, tmpStore } from "../sweep/helpers.js";
import { HAVE_REDIS, gs, stop, waitFor, worker, redisSuite } from "./helpers.js";

const spec = { name: "dq", seeds: 3, base: TINY, grid: { tau: [1, 1.5] } };
const JOBS = 6;

describe.skipIf(!HAVE_REDIS)("sweeps through a BullMQ queue", () => {
  let reference: string;

  const suite = redisSuite(async () => {
    reference = tmpStore("dq-ref");
    expect((await runSweep(spec, { store: reference, workers: 2 })).ran).toBe(JOBS);
  });

  const specFile = (store: string): string => {
    const path = store.replace(/store\.db$/, "spec.json");
    writeFileSync(path, JSON.stringify(spec));
    return path;
  };

  it("a coordinator and two workers give the local run's results, bit for bit, each job run once", async () => {
    const t0 = Date.now();
    const store = tmpStore("dq-two");
    const a = worker(suite.redis.url, "two");
    const b = worker(suite.redis.url, "two");
    suite.procs.push(a, b);
    const coord = await gs(["sweep", specFile(store), "--redis", suite.redis.url, "--queue", "two", "--store", store, "--poll-ms", "100", "--json"]).done;
    expect(coord.code, coord.stderr).toBe(0);
    const summary = JSON.parse(coord.stdout);
    expect(summary).toMatchObject({ total: JOBS, ran: JOBS, left: 0, failed: 0, rejected: [], queue: "two" });
    expect(storedResults(store)).toEqual(storedResults(reference));
    const runs = query<{ claims: number; resumes_json: string; code_version: string }>(store, `SELECT claims, resumes_json, code_version FROM runs`);
    expect(runs).toHaveLength(JOBS);
    const owners = new Set<string>();
    for (const r of runs) {
      expect(r.claims).toBe(1);
      const starts = JSON.parse(r.resumes_json) as { owner: string; from_step: number }[];
      expect(starts).toHaveLength(1); // trained exactly once
      expect(starts[0]!.from_step).toBe(0);
      owners.add(starts[0]!.owner);
      expect(r.code_version).toMatch(/^grokscale@/);
    }
    expect(owners.size).toBe(2); // both workers trained
    // nothing left behind in Redis: no queued jobs, checkpoints or start notes
    const q = new Queue("two", { connection: { url: suite.redis.url } });
    expect(await q.getJobCounts("completed", "failed", "waiting", "active")).toEqual({ completed: 0, failed: 0, waiting: 0, active: 0 });
    await q.close();
    expect(await suite.redis.client.keys("grokscale:two:ckpt:*")).toEqual([]);
    expect(await suite.redis.client.keys("grokscale:two:starts:*")).toEqual([]);
    await Promise.all([stop(a), stop(b)]);
    expect((await a.done).code).toBe(0); // SIGTERM on an idle worker: a clean exit
    console.log(`[distributed] coordinator + 2 workers, ${JOBS} jobs: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  });

  it("finishes each cell as the local sweep does: early grokkers continued to the cell's end, same bits", async () => {
    // seeds 0, 2, 3 grok at different steps here (test/train/cell-end.test.ts)
    const cellSpec = {
      name: "dq-end", experiment: "mediation", seeds: [0, 2, 3],
      cells: [{ p: 13, train_frac: 0.8, d_embed: 16, hidden: 32, lr: 1e-2, steps: 3000, eval_every: 10, log_every: 50, dtype: "f64", arm: "base" }],
    };
    const ref = tmpStore("dq-end-ref");
    expect(await runSweep(cellSpec, { store: ref, workers: 2 })).toMatchObject({ ran: 3, extended: 2 });
    const store = tmpStore("dq-end");
    const path = store.replace(/store\.db$/, "spec.json");
    writeFileSync(path, JSON.stringify(cellSpec));
    const w = worker(suite.redis.url, "end");
    suite.procs.push(w);
    const coord = await gs(["sweep", path, "--redis", suite.redis.url, "--queue", "end", "--store", store, "--poll-ms", "100", "--json"]).done;
    expect(coord.code, coord.stderr).toBe(0);
    expect(JSON.parse(coord.stdout)).toMatchObject({ total: 3, ran: 3, extended: 2, left: 0 });
    expect(storedResults(store)).toEqual(storedResults(ref));
    const steps = query<{ steps_run: number }>(store, `SELECT steps_run FROM runs`).map((r) => r.steps_run);
    expect(new Set(steps).size).toBe(1);
    await stop(w);
  });

  it("rejects a result nobody asked for and one with a mismatching config hash, and still ends right", async () => {
    const store = tmpStore("dq-forge");
    const queue = new Queue("forge", { connection: { url: suite.redis.url } });
    const bogus = "f".repeat(64);
    await queue.add("train", { protocol: 1, jobId: bogus }, { jobId: bogus });
    // a rogue worker: answers the unasked job, then forges the config hash of the first real job
    const forged: string[] = [];
    const rogue = new Worker(
      "forge",
      async (job) => {
        forged.push(String(job.id));
        const d = job.data as { jobId: string; configHash?: string; seed?: number };
        const result = { seed: d.seed ?? 0, T_mem: 1, T_grok: null, delay: null, grokked: false, status: "censored", steps_run: 1, wall_s: 0, norm_at_grok: null, norm_at_fork: null, final: null, log: [] };
        return encodeResult({ protocol: 1, jobId: String(job.id), configHash: "0".repeat(64), seed: d.seed ?? 0, codeVersion: "rogue", worker: "rogue", result: result as never });
      },
      { connection: { url: suite.redis.url, maxRetriesPerRequest: null }, concurrency: 1 },
    );
    const coord = gs(["sweep", specFile(store), "--redis", suite.redis.url, "--queue", "forge", "--store", store, "--poll-ms", "100", "--json"]);
    suite.procs.push(coord);
    await waitFor(() => forged.length >= 2, 30_000, "the rogue worker to answer two jobs");
    await rogue.close();
    await waitFor(() => coord.out().includes("config hash mismatch"), 30_000, "the forged result to be rejected");
    const honest = worker(suite.redis.url, "forge");
    suite.procs.push(honest);
    const r = await coord.done;
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { ran: number; rejected: { jobId: string; reason: string }[] };
    expect(summary.ran).toBe(JOBS);
    const reasons = summary.rejected.map((x) => x.reason).join("\n");
    expect(summary.rejected.find((x) => x.jobId === bogus)?.reason).toMatch(/not asked for/);
    expect(reasons).toMatch(/config hash mismatch/);
    expect(r.stderr).toMatch(/rejected a result for job ffffffffffff: not asked for/);
    // nothing of the forgeries reached the store
    expect(storedResults(store)).toEqual(storedResults(reference));
    expect(query(store, `SELECT job_id FROM runs WHERE code_version = 'rogue' OR job_id = ?`, bogus)).toEqual([]);
    expect(await queue.getJob(bogus)).toBeUndefined(); // removed from the queue
    await queue.close();
    await stop(honest);
  });

  it("allows one coordinator per queue; a dead one on this host is taken over at once", async () => {
    const c = suite.redis.client;
    await acquireQueue(c, "lease", "elsewhere|4242|1");
    await expect(acquireQueue(c, "lease", `${hostname()}|${process.pid}|2`)).rejects.toThrow(QueueBusyError);
    await expect(acquireQueue(c, "lease", `${hostname()}|${process.pid}|2`)).rejects.toThrow(/already coordinated by another sweep \(host elsewhere, pid 4242\)/);
    await releaseQueue(c, "lease", "elsewhere|4242|1");
    await acquireQueue(c, "lease", `${hostname()}|999999999|1`); // a pid that cannot exist
    await acquireQueue(c, "lease", `${hostname()}|${process.pid}|3`);
    expect(await c.get(keys.coordinator("lease"))).toBe(`${hostname()}|${process.pid}|3`);
  });
});

afterAll(cleanupTmp);
