// Losing processes against a real redis-server: a worker killed with SIGKILL mid-job has its job
// finished by the other worker from the last checkpoint in Redis; a worker stopped with SIGTERM
// checkpoints and hands its job back; a coordinator stopped (SIGTERM) and killed (SIGKILL) mid-sweep
// is restarted and picks up where it was. Every time: the local run's bits, nothing lost or repeated.
import { writeFileSync } from "node:fs";
import { Queue } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { keys } from "../../src/distributed/protocol.js";
import { runSweep } from "../../src/sweep/run.js";
import { SMALL, TINY, cleanupTmp, query, storedResults, tmpStore } from "../sweep/helpers.js";
import { HAVE_REDIS, gs, stop, waitFor, worker, type Proc, redisSuite } from "./helpers.js";

// one long job (a few seconds, checkpointed every 100 steps) and two short ones
const LONG = { ...SMALL, steps: 3000, stop_on_grok: false };
const longSpec = { name: "long", seeds: [0], cells: [{ ...LONG, label: "long" }, { ...TINY, label: "short", seeds: [0, 1] }] };
// eight short jobs for the coordinator restarts
const manySpec = { name: "many", seeds: 4, base: SMALL, grid: { tau: [1, 1.25] } };

type Start = { owner: string; from_step: number };
const startsOf = (store: string, jobId: string): Start[] =>
  JSON.parse(query<{ r: string }>(store, `SELECT resumes_json AS r FROM runs WHERE job_id = ?`, jobId)[0]!.r) as Start[];
const doneCount = (store: string): number => {
  try {
    return query<{ n: number }>(store, `SELECT COUNT(*) AS n FROM runs WHERE status = 'done'`)[0]!.n;
  } catch {
    return 0;
  }
};

describe.skipIf(!HAVE_REDIS)("losing workers and coordinators", () => {
  let longRef: string;
  let longJob: string;

  const suite = redisSuite(async () => {
    longRef = tmpStore("long-ref");
    expect((await runSweep(longSpec, { store: longRef, workers: 2 })).ran).toBe(3);
    longJob = query<{ job_id: string }>(longRef, `SELECT job_id FROM runs WHERE steps_run = 3000`)[0]!.job_id;
  });

  const specFile = (store: string, spec: unknown): string => {
    const path = store.replace(/store\.db$/, "spec.json");
    writeFileSync(path, JSON.stringify(spec));
    return path;
  };
  const coordinator = (spec: unknown, store: string, queue: string): Proc => {
    const p = gs(["sweep", specFile(store, spec), "--redis", suite.redis.url, "--queue", queue, "--store", store, "--poll-ms", "100", "--checkpoint-every", "100", "--json"]);
    suite.procs.push(p);
    return p;
  };
  const ckptStep = async (queue: string, jobId: string): Promise<number> => Number((await suite.redis.client.hget(keys.checkpoint(queue, jobId), "step")) ?? 0);

  it("a worker killed with SIGKILL mid-job: the other worker resumes it from its checkpoint", async () => {
    const t0 = Date.now();
    const store = tmpStore("kill");
    const coord = coordinator(longSpec, store, "kill");
    const a = worker(suite.redis.url, "kill");
    const b = worker(suite.redis.url, "kill");
    suite.procs.push(a, b);
    await waitFor(async () => (await ckptStep("kill", longJob)) >= 500, 90_000, "a checkpoint at step 500 in Redis");
    const q = new Queue("kill", { connection: { url: suite.redis.url } });
    const holder = (await q.getJob(longJob))!.processedBy!; // host|pid|t of the worker that runs it
    const victim = [a, b].find((p) => holder.split("|")[1] === String(p.child.pid))!;
    const survivor = victim === a ? b : a;
    const killedAt = await ckptStep("kill", longJob);
    victim.child.kill("SIGKILL");
    expect((await victim.done).signal).toBe("SIGKILL");
    const r = await coord.done;
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ total: 3, ran: 3, failed: 0, left: 0, rejected: [] });
    expect(storedResults(store)).toEqual(storedResults(longRef));
    const starts = startsOf(store, longJob);
    expect(starts).toHaveLength(2); // started on the victim, resumed once on the survivor
    expect(starts[0]!.from_step).toBe(0);
    expect(starts[1]!.from_step).toBeGreaterThanOrEqual(killedAt);
    expect(starts[1]!.owner.split("|")[1]).toBe(String(survivor.child.pid));
    expect(survivor.out()).toMatch(/resumed from step \d+/);
    expect(query(store, `SELECT COUNT(*) AS n FROM runs WHERE claims != 1 OR status != 'done'`)).toEqual([{ n: 0 }]);
    expect(query(store, `SELECT job_id, step FROM series GROUP BY job_id, step HAVING COUNT(*) > 1`)).toEqual([]);
    expect(await q.getJobCounts("completed", "failed", "waiting", "active")).toEqual({ completed: 0, failed: 0, waiting: 0, active: 0 });
    expect(await suite.redis.client.exists(keys.checkpoint("kill", longJob))).toBe(0);
    await q.close();
    await stop(survivor);
    console.log(`[distributed] SIGKILL of a worker at step ${killedAt}, resumed from ${starts[1]!.from_step}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  });

  it("a worker stopped with SIGTERM checkpoints its job and hands it back; another resumes it", async () => {
    const store = tmpStore("term");
    const coord = coordinator(longSpec, store, "term");
    const a = worker(suite.redis.url, "term");
    suite.procs.push(a);
    await waitFor(async () => (await ckptStep("term", longJob)) >= 300, 90_000, "a checkpoint at step 300 in Redis");
    const q = new Queue("term", { connection: { url: suite.redis.url } });
    await waitFor(async () => (await q.getJobState(longJob)) === "active", 30_000, "the long job to be active");
    a.child.kill("SIGTERM");
    const ra = await a.done;
    expect(ra.code, ra.stderr).toBe(0);
    expect(ra.stdout).toMatch(/stopped at step \d+, checkpointed and handed back to the queue/);
    const handedAt = Number(/stopped at step (\d+)/.exec(ra.stdout)![1]);
    expect(await q.getJobState(longJob)).toBe("waiting"); // back in the queue at once, not after a lock timeout
    expect(await ckptStep("term", longJob)).toBe(handedAt); // its checkpoint is the step it stopped at
    const b = worker(suite.redis.url, "term");
    suite.procs.push(b);
    const r = await coord.done;
    expect(r.code, r.stderr).toBe(0);
    expect(storedResults(store)).toEqual(storedResults(longRef));
    const starts = startsOf(store, longJob);
    expect(starts.map((s) => s.from_step)).toEqual([0, handedAt]);
    await q.close();
    await stop(b);
  });

  it("a coordinator stopped and killed mid-sweep is restarted and picks up where it was", async () => {
    const t0 = Date.now();
    const ref = tmpStore("many-ref");
    expect((await runSweep(manySpec, { store: ref, workers: 2 })).ran).toBe(8);
    const store = tmpStore("restart");
    const w = worker(suite.redis.url, "restart");
    suite.procs.push(w);
    const q = new Queue("restart", { connection: { url: suite.redis.url } });

    // 1: SIGTERM once two results are recorded: claims handed back, the jobs stay queued
    const c1 = coordinator(manySpec, store, "restart");
    await waitFor(() => doneCount(store) >= 2, 90_000, "two results");
    c1.child.kill("SIGTERM");
    const r1 = await c1.done;
    expect(r1.code).toBe(143);
    expect(r1.stderr).toMatch(/queued jobs stay queued .* collect them with: grokscale sweep .* --redis redis:\/\/127\.0\.0\.1:\d+ --queue restart/);
    expect(query(store, `SELECT COUNT(*) AS n FROM runs WHERE status = 'running'`)).toEqual([{ n: 0 }]);
    const afterFirst = doneCount(store);
    expect(afterFirst).toBeLessThan(8);
    // the worker goes on meanwhile; its results wait in the queue
    await waitFor(async () => (await q.getCompletedCount()) >= 1, 60_000, "a result waiting in the queue");

    // 2: restart, SIGKILL once it has recorded more
    const c2 = coordinator(manySpec, store, "restart");
    await waitFor(() => doneCount(store) > afterFirst, 60_000, "the restarted coordinator to record");
    c2.child.kill("SIGKILL");
    expect((await c2.done).signal).toBe("SIGKILL");

    // 3: to the end
    const r3 = await coordinator(manySpec, store, "restart").done;
    expect(r3.code, r3.stderr).toBe(0);
    expect(JSON.parse(r3.stdout)).toMatchObject({ total: 8, left: 0, failed: 0, rejected: [] });
    expect(storedResults(store)).toEqual(storedResults(ref));
    // every job was trained exactly once: no work repeated, none lost
    for (const { job_id } of query<{ job_id: string }>(store, `SELECT job_id FROM runs`)) expect(startsOf(store, job_id)).toHaveLength(1);
    expect(await q.getJobCounts("completed", "failed", "waiting", "active")).toEqual({ completed: 0, failed: 0, waiting: 0, active: 0 });
    await q.close();
    await stop(w);
    console.log(`[distributed] coordinator SIGTERM at ${afterFirst}/8, SIGKILL, restart: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  });
});

afterAll(cleanupTmp);
