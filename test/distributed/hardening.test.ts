// The queue cases of issue 14 against a real redis-server and real processes: Redis URLs with a bad
// or refused database index give one line and exit 1 on both sides, writing no store, and a good index
// is used by both sides; Redis killed and restarted empty makes the coordinator say the queue's state
// was lost, print its summary (--json) and how to queue the jobs again; a worker on a queue nobody
// feeds says so on stderr; a SIGKILLed worker's scratch folder is removed by the next worker.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { ProtocolError, checkJobData, keys, makeJobData } from "../../src/distributed/protocol.js";
import { resolveConfig } from "../../src/base/config.js";
import { cellIdOf, jobIdOf } from "../../src/experiments/sweep-spec.js";
import { SMALL, TINY, query, sleep, tmpStore } from "../sweep/helpers.js";
import { HAVE_REDIS, freePort, gs, stop, waitFor, worker, type Proc, redisSuite } from "./helpers.js";

const specFile = (store: string, spec: unknown): string => {
  const p = join(dirname(store), "spec.json");
  writeFileSync(p, JSON.stringify(spec));
  return p;
};
const errLines = (s: string): string[] => s.split("\n").filter((l) => l.trim() !== "");

/** A redis-server on a fixed port (so it can be killed and started again, empty, at the same address). */
async function redisAt(port: number): Promise<{ child: ChildProcess; kill(): Promise<void> }> {
  const dir = join(tmpdir(), `gs-redis-fixed-${port}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { stdio: "ignore" });
  const probe = new Redis(`redis://127.0.0.1:${port}`, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on("error", () => {});
  await waitFor(async () => {
    try {
      if (probe.status !== "ready") await probe.connect();
      return (await probe.ping()) === "PONG";
    } catch {
      probe.disconnect();
      return false;
    }
  }, 10_000, "redis-server to answer");
  probe.disconnect();
  return {
    child,
    kill: async () => {
      child.kill("SIGKILL");
      await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once("exit", r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe.skipIf(!HAVE_REDIS)("issue 14: Redis misconfiguration and loss", () => {
  const track = (p: Proc): Proc => (suite.procs.push(p), p);

  const suite = redisSuite();

  it("7. a database index that is not a number, or that Redis refuses: one line, exit 1, no store, on both sides", async () => {
    for (const [suffix, what] of [
      ["/abc", /invalid Redis URL "redis:\/\/127\.0\.0\.1:\d+\/abc": the database index must be a whole number/],
      ["/99", /Redis at redis:\/\/127\.0\.0\.1:\d+\/99 refuses database 99 \(ERR DB index is out of range\)/],
      ["?db=2", /invalid Redis URL .*no query or fragment/],
    ] as const) {
      const url = `${suite.redis.url}${suffix}`;
      const store = tmpStore("url");
      const c = await gs(["sweep", specFile(store, { name: "u", seeds: 1, base: TINY }), "--redis", url, "--store", store]).done;
      expect(c.code).toBe(1);
      expect(errLines(c.stderr)).toHaveLength(1);
      expect(c.stderr).toMatch(what);
      expect(existsSync(store)).toBe(false);
      const w = await gs(["worker", "--redis", url, "--workers", "1"]).done;
      expect(w.code).toBe(1);
      expect(errLines(w.stderr)).toHaveLength(1);
      expect(w.stderr).toMatch(what);
    }
  });

  it("7. a database index Redis has is used by the coordinator and the worker alike", async () => {
    const url = `${suite.redis.url}/3`;
    const store = tmpStore("db3");
    const w = track(worker(url, "q-db3"));
    const c = await gs(["sweep", specFile(store, { name: "d3", seeds: 2, base: TINY }), "--redis", url, "--queue", "q-db3", "--store", store, "--poll-ms", "100", "--json"]).done;
    expect(c.code, c.stderr).toBe(0);
    expect(JSON.parse(c.stdout)).toMatchObject({ total: 2, ran: 2, left: 0 });
    expect(w.out()).toMatch(/on queue q-db3/);
    const r3 = new Redis(url, { lazyConnect: true });
    await r3.connect();
    expect((await r3.keys("bull:q-db3:*")).length).toBeGreaterThan(0);
    r3.disconnect();
    expect(await suite.redis.client.keys("bull:q-db3:*")).toEqual([]); // nothing in database 0
    await stop(w);
  });

  it("8. Redis killed and restarted empty: the coordinator says the queue's state was lost, prints its summary and how to resume", async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    let server = await redisAt(port);
    try {
      const store = tmpStore("lost");
      const spec = specFile(store, { name: "lost", seeds: [0], base: { ...SMALL, steps: 40_000, stop_on_grok: false } });
      const args = ["sweep", spec, "--redis", url, "--queue", "q8", "--store", store, "--poll-ms", "100", "--checkpoint-every", "200", "--json"];
      const coord = track(gs(args));
      const w = track(worker(url, "q8", ["--redis-timeout", "300"]));
      await waitFor(() => /started/.test(w.out()), 60_000, "the worker to start the job");
      await server.kill();
      server = await redisAt(port); // the same address, nothing in it
      const r = await coord.done;
      expect(r.code).toBe(1);
      const summary = JSON.parse(r.stdout) as { total: number; left: number; lost: string; interrupted: boolean };
      expect(summary).toMatchObject({ total: 1, left: 1, interrupted: true });
      expect(summary.lost).toMatch(/Redis lost the state of queue "q8"/);
      const last = errLines(r.stderr).at(-1)!;
      expect(last).toMatch(/^Redis lost the state of queue "q8" \(restarted empty or flushed\): 1 queued job\(s\) are gone; 1 job\(s\) of the sweep are unfinished/);
      expect(last).toMatch(new RegExp(`queue them again with: grokscale sweep \\S+ --store \\S+ --redis ${url.replace(/[.]/g, "\\.")} --queue q8$`));
      expect(r.stderr).not.toMatch(/another coordinator took it over/);
      // the store is consistent: the job is pending again, nothing half-recorded
      expect(query<{ status: string }>(store, `SELECT status FROM runs`).map((x) => x.status)).toEqual(["pending"]);
      // following the hint queues the job again on the new server
      const again = track(gs(args));
      const probe = new Redis(url, { lazyConnect: true });
      await probe.connect();
      await waitFor(async () => (await probe.exists(keys.coordinator("q8"))) === 1 && (await probe.keys("bull:q8:*")).length > 0, 60_000, "the job to be queued again");
      probe.disconnect();
      await stop(again);
      await stop(w);
    } finally {
      await server.kill();
    }
  });

  it("8. a worker on a queue nobody coordinates says so on stderr; one on a coordinated queue does not", async () => {
    const idle = track(gs(["worker", "--redis", suite.redis.url, "--queue", "nobody-here", "--workers", "1", "--idle-notice-ms", "1000"]));
    await suite.redis.client.set(keys.coordinator("fed"), "somehost|1|1", "PX", 60_000);
    const fed = track(gs(["worker", "--redis", suite.redis.url, "--queue", "fed", "--workers", "1", "--idle-notice-ms", "1000"]));
    await waitFor(() => /no coordinator is using queue "nobody-here"/.test(idle.out()), 30_000, "the idle notice");
    await waitFor(() => /waiting for jobs/.test(fed.out()), 30_000, "the fed worker");
    await sleep(3000);
    expect(fed.out()).not.toMatch(/no coordinator/);
    await stop(idle);
    await stop(fed);
    const r = await idle.done;
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: no job for 1 s and no coordinator is using queue "nobody-here" at redis:\/\/127\.0\.0\.1:\d+\/?; start one with `grokscale sweep SPEC --redis URL --queue nobody-here`/);
    expect(r.stdout).not.toMatch(/no coordinator/);
  });

  it("10. a SIGKILLed worker's scratch folder is removed when the next worker starts; a live process's is kept", async () => {
    const mine = join(tmpdir(), `grokscale-worker-${process.pid}-abcdef`); // this (live) process's
    mkdirSync(mine, { recursive: true });
    const scratchOf = (pid: number | undefined): string[] => readdirSync(tmpdir()).filter((n) => n.startsWith(`grokscale-worker-${pid}-`));
    const a = track(worker(suite.redis.url, "q10"));
    await waitFor(() => /waiting for jobs/.test(a.out()), 30_000, "worker a");
    expect(scratchOf(a.child.pid)).toHaveLength(1);
    a.child.kill("SIGKILL");
    await a.done;
    expect(scratchOf(a.child.pid)).toHaveLength(1); // left behind
    const b = track(worker(suite.redis.url, "q10"));
    await waitFor(() => /waiting for jobs/.test(b.out()), 30_000, "worker b");
    expect(scratchOf(a.child.pid)).toEqual([]);
    expect(scratchOf(b.child.pid)).toHaveLength(1);
    expect(existsSync(mine)).toBe(true);
    rmSync(mine, { recursive: true, force: true });
    await stop(b);
    expect(scratchOf(b.child.pid)).toEqual([]); // a clean stop removes its own
  });
});

describe("4. a queued job whose model no arena holds", () => {
  it("is refused by the worker with the field named, before it trains", () => {
    const config = resolveConfig({ d_embed: 3_200_000 }); // resolveConfig alone checks field ranges, not the arena
    const job = { jobId: jobIdOf(config, 0), cellId: cellIdOf(config), seed: 0, config };
    const data = makeJobData(job, 1000, "s", "big");
    expect(() => checkJobData(data, job.jobId)).toThrow(ProtocolError);
    expect(() => checkJobData(data, job.jobId)).toThrow(/d_embed: the mlp needs a \d+ MB arena, more than the 4096 MB/);
  });
});
