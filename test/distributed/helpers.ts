// Shared helpers of the distributed tests: a private redis-server on a free loopback port (never a
// system service), spawning the real `grokscale` command (bin/grokscale.js, which loads dist/), and
// small waits. The sweep tests' helpers (build, temp stores, stored results) are reused. Test-only.

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll } from "vitest";
import { ROOT, cleanupTmp, ensureBuilt, sleep } from "../sweep/helpers.js";

export const BIN = join(ROOT, "bin", "grokscale.js");

/** Is redis-server installed? (.ci/run installs it; elsewhere the Redis tests are skipped.) */
export const HAVE_REDIS = spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
if (!HAVE_REDIS) {
  // CI (.ci/run) sets GROKSCALE_REQUIRE_REDIS: there a missing server is a failure, not a skip
  if (process.env["GROKSCALE_REQUIRE_REDIS"]) throw new Error("redis-server is not installed, and GROKSCALE_REQUIRE_REDIS is set");
  console.warn("redis-server is not installed: skipping the tests against a real Redis (apt-get install -y redis-server)");
}

/** Builds dist/ when stale and checks that the distributed commands are there. */
export function ensureBuiltDistributed(): void {
  ensureBuilt();
  for (const f of ["cli/worker.js", "cli/merge.js", "distributed/worker.js"]) {
    if (!existsSync(join(ROOT, "dist", f))) throw new Error(`build failed: dist/${f} missing`);
  }
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface TestRedis {
  url: string;
  port: number;
  client: Redis;
  stop(): Promise<void>;
}

/** Starts a throwaway redis-server (no persistence) on loopback and waits until it answers. */
export async function startRedis(): Promise<TestRedis> {
  for (let attempt = 0; ; attempt++) {
    const r = await tryStartRedis();
    if (r) return r;
    if (attempt >= 4) throw new Error("redis-server did not start");
  }
}

/** One try: null when the port was taken meanwhile (e.g. by another test file's server). */
async function tryStartRedis(): Promise<TestRedis | null> {
  const dir = mkdtempSync(join(tmpdir(), "gs-redis-"));
  const port = await freePort();
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], {
    stdio: "ignore",
  });
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => 100 });
  client.on("error", () => {});
  const exited = (): boolean => child.exitCode !== null || child.signalCode !== null;
  const stop = async (): Promise<void> => {
    client.disconnect();
    child.kill("SIGKILL");
    await new Promise((r) => (exited() ? r(null) : child.once("exit", r)));
    rmSync(dir, { recursive: true, force: true });
  };
  const t0 = Date.now();
  for (;;) {
    try {
      if (client.status !== "ready") await client.connect().catch(() => {});
      if ((await client.ping()) === "PONG") break;
    } catch {
      /* not up yet */
    }
    if (exited() || Date.now() - t0 > 10_000) {
      await stop();
      return null;
    }
    await sleep(50);
  }
  // the server that answers must be ours, not another one that got the same port
  const pid = /process_id:(\d+)/.exec(await client.info("server"))?.[1];
  if (pid !== String(child.pid)) {
    await stop();
    return null;
  }
  return { url, port, client, stop };
}

export interface Proc {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  /** output so far */
  out(): string;
}

/** Spawns `node bin/grokscale.js ARGS` and collects its output. */
export function gs(args: string[]): Proc {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: "pipe" });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done, out: () => stdout + stderr };
}

/** A one-thread queue worker process with test-friendly lock timing (a dead worker's job is retaken in seconds). */
export function worker(url: string, queue: string, extra: string[] = []): Proc {
  return gs(["worker", "--redis", url, "--queue", queue, "--workers", "1", "--lock-ms", "3000", "--stalled-ms", "1000", ...extra]);
}

/** Waits until `cond()` holds; throws after `ms`. */
export async function waitFor(cond: () => boolean | Promise<boolean>, ms = 60_000, what = "condition"): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** Stops a process (SIGTERM, then SIGKILL) if it is still running. */
export async function stop(p: Proc): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill("SIGTERM");
  const t = setTimeout(() => p.child.kill("SIGKILL"), 10_000);
  await p.done;
  clearTimeout(t);
}

/** A describe block's private Redis and the processes it starts (push them to procs). */
export interface RedisSuite {
  redis: TestRedis;
  procs: Proc[];
}

/**
 * Registers a describe block's Redis lifecycle: before all, build and start a private server (then
 * `setup`); after all, stop the block's processes and the server and remove its temporary stores.
 */
export function redisSuite(setup?: () => Promise<void> | void): RedisSuite {
  const suite = { procs: [] } as unknown as RedisSuite;
  beforeAll(async () => {
    ensureBuiltDistributed();
    suite.redis = await startRedis();
    await setup?.();
  });
  afterAll(async () => {
    await Promise.all(suite.procs.map(stop));
    await suite.redis?.stop();
    cleanupTmp();
  });
  return suite;
}
