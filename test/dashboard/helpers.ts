// Shared helpers of the dashboard tests: one store filled by a tiny real sweep (built once per test
// run under a lock, shared by the test files, read-only afterwards), private copies of it for tests
// that write, a child process running a slow sweep for live curves, and the Chromium launcher.
// Test-only; the library never imports this.

import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { runSweep } from "../../src/sweep/run.js";
import { ROOT, sleep } from "../sweep/helpers.js";

export { ROOT, sleep };

export const CHROMIUM = "/usr/bin/chromium";
export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];

const BASE = { p: 17, d_embed: 16, hidden: 32, steps: 800, lr: 0.03, train_frac: 0.9, eval_every: 25, log_every: 25, kernels: "reference" } as const;

/** Four cells × 2 seeds: three that grok within a few hundred steps and one that never does (censored). */
export const FIXTURE_SPEC = {
  name: "dash",
  experiment: "mediation",
  seeds: 2,
  base: BASE,
  cells: [
    { arm: "base", label: "base" },
    { arm: "up", tau: 1.5, label: "tau 1.5" },
    { arm: "up", tau: 2, label: "tau 2" },
    { arm: "ctrl", lr: 0.001, steps: 300, label: "slow ctrl" },
  ],
};

const key = createHash("sha256").update(`${ROOT}\n${JSON.stringify(FIXTURE_SPEC)}`).digest("hex").slice(0, 12);

/**
 * The shared fixture store: filled by runSweep on first use in this vitest run (the test files run
 * in sibling processes; a lock makes one of them build it, the others wait), then only read.
 */
export async function fixtureStore(): Promise<string> {
  const dir = join(tmpdir(), `grokscale-dash-${key}-${process.ppid}`);
  const store = join(dir, "store.db");
  const lock = `${dir}.lock`;
  for (;;) {
    if (existsSync(join(dir, "ready"))) return store;
    try {
      mkdirSync(lock);
      break;
    } catch {
      const st = statSync(lock, { throwIfNoEntry: false });
      if (st && Date.now() - st.mtimeMs > 180_000) rmSync(lock, { recursive: true, force: true }); // left by a killed run
      await sleep(200);
    }
  }
  try {
    if (!existsSync(join(dir, "ready"))) {
      pruneOld();
      const build = `${dir}.build-${process.pid}`;
      rmSync(build, { recursive: true, force: true });
      mkdirSync(build, { recursive: true });
      const summary = await runSweep(FIXTURE_SPEC, { store: join(build, "store.db"), workers: 2 });
      if (summary.failed > 0 || summary.left > 0) throw new Error(`fixture sweep incomplete: ${JSON.stringify(summary)}`);
      writeFileSync(join(build, "ready"), "");
      rmSync(dir, { recursive: true, force: true });
      renameSync(build, dir);
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return store;
}

/** Removes fixture folders of earlier test runs (older than an hour). */
function pruneOld(): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith("grokscale-dash-")) continue;
    const p = join(tmpdir(), name);
    try {
      if (Date.now() - statSync(p).mtimeMs > 3_600_000) rmSync(p, { recursive: true, force: true });
    } catch {
      /* gone meanwhile */
    }
  }
}

let scratch: string | null = null;

/** A fresh folder for this test file (removed by cleanup). */
export function tmpDir(tag: string): string {
  scratch ??= mkdtempSync(join(tmpdir(), "gs-dash-tests-"));
  return mkdtempSync(join(scratch, `${tag}-`));
}

export function cleanup(): void {
  if (scratch !== null) rmSync(scratch, { recursive: true, force: true });
  scratch = null;
}

/** A private, writable copy of a (closed) store. */
export function copyStore(src: string, tag: string): string {
  const dst = join(tmpDir(tag), "store.db");
  copyFileSync(src, dst);
  return dst;
}

type Spawned = { child: ChildProcess; output: () => string; exited: Promise<number | null> };

function spawnFixture(script: string, args: string[]): Spawned {
  const child = spawn(process.execPath, [join(ROOT, "test", "dashboard", "fixtures", script), ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** A slow one-job sweep in a child process, heartbeating every 200 ms (so live rows land often). */
export function spawnLiveSweep(store: string, steps = 60_000): Spawned {
  return spawnFixture("live-sweep.mjs", [store, String(steps)]);
}

/** A slow one-job shard of a sweep, or a queue run (coordinator and worker) on `redis`, in a child process. */
export function spawnLiveRun(store: string, kind: "shard" | "queue", redis?: string): Spawned {
  return spawnFixture("live-kinds.mjs", [store, kind, ...(redis ? [redis] : [])]);
}

export const hasChromium = (): boolean => existsSync(CHROMIUM);

/** Rows of a read-only query on a store file (a live sweep may be writing it). */
export function sql<T>(file: string, q: string, ...p: unknown[]): T[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(q).all(...p) as T[];
  } finally {
    db.close();
  }
}
