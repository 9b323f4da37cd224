// Redis unreachable: the coordinator and the worker fail fast with a clear message and a non-zero
// exit, never hang, and the coordinator writes no store; a malformed URL is named as such (these need
// no redis-server: they talk to loopback port 1, where nothing listens). A Redis that goes away mid-run ends both,
// after --redis-timeout, with the cause and exit 1; the coordinator hands its claims back.
import { existsSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SMALL, TINY, cleanupTmp, query, tmpStore } from "../sweep/helpers.js";
import { HAVE_REDIS, ensureBuiltDistributed, gs, startRedis, stop, waitFor } from "./helpers.js";

afterAll(cleanupTmp);

describe("Redis unreachable", () => {
  let url: string;
  let spec: string;
  beforeAll(async () => {
    ensureBuiltDistributed();
    // port 1 (tcpmux) is never served here; a "free" port could be taken by another file's redis-server
    url = "redis://127.0.0.1:1";
    spec = tmpStore("unreach").replace(/store\.db$/, "spec.json");
    writeFileSync(spec, JSON.stringify({ name: "u", seeds: 1, base: TINY }));
  });

  it("the coordinator exits non-zero within seconds with the address and the cause, writing no store", async () => {
    const store = tmpStore("unreach-c");
    const t0 = Date.now();
    const r = await gs(["sweep", spec, "--redis", url, "--store", store]).done;
    const s = (Date.now() - t0) / 1000;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`grokscale: cannot reach Redis at ${url.replace(/\./g, "\\.")}.*ECONNREFUSED`));
    expect(s).toBeLessThan(15); // process start included; the probe itself gives up after at most 5 s
    expect(existsSync(store)).toBe(false);
  });

  it("the worker exits non-zero within seconds with the address and the cause", async () => {
    const t0 = Date.now();
    const r = await gs(["worker", "--redis", url]).done;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/grokscale: cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+.*ECONNREFUSED/);
    expect((Date.now() - t0) / 1000).toBeLessThan(15);
  });

  it("a URL that is not redis:// is refused as such", async () => {
    const r = await gs(["worker", "--redis", "http://127.0.0.1:6379"]).done;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/invalid Redis URL "http:\/\/127\.0\.0\.1:6379": the scheme must be redis:\/\/ or rediss:\/\//);
  });
});

describe.skipIf(!HAVE_REDIS)("Redis lost mid-run", () => {
  beforeAll(ensureBuiltDistributed);

  it("the worker and the coordinator exit 1 after --redis-timeout, naming the cause; claims go back", async () => {
    const redis = await startRedis();
    const store = tmpStore("lost");
    const spec = store.replace(/store\.db$/, "spec.json");
    writeFileSync(spec, JSON.stringify({ name: "lost", seeds: 2, base: { ...SMALL, steps: 100_000, stop_on_grok: false } }));
    const w = gs(["worker", "--redis", redis.url, "--queue", "lost", "--redis-timeout", "2"]);
    const c = gs(["sweep", spec, "--redis", redis.url, "--queue", "lost", "--store", store, "--poll-ms", "100", "--redis-timeout", "2"]);
    let rw: Awaited<typeof w.done>;
    let rc: Awaited<typeof c.done>;
    let t0 = 0;
    try {
      await waitFor(() => w.out().includes("started ("), 60_000, "the worker to start a job");
      await redis.stop();
      t0 = Date.now();
      [rw, rc] = await Promise.all([w.done, c.done]);
    } finally {
      await Promise.all([stop(w), stop(c), redis.stop()]);
    }
    expect((Date.now() - t0) / 1000).toBeLessThan(20); // the timeout is 2 s; closing takes at most a few more
    expect(rw.code).toBe(1);
    expect(rw.stderr).toMatch(/grokscale: lost Redis for more than 2 s \(.*ECONNREFUSED/);
    expect(rc.code).toBe(1);
    expect(rc.stderr).toMatch(/grokscale: no progress for 2 s talking to Redis at redis:\/\/127\.0\.0\.1:\d+.*ECONNREFUSED/);
    expect(query(store, `SELECT status, COUNT(*) AS n FROM runs GROUP BY status`)).toEqual([{ status: "pending", n: 2 }]);
  });
});
