// Shared helpers of the sweep tests: an up-to-date dist/ for the worker threads and child
// processes, temporary stores, tiny real-trainer configs, spawning the sweep CLI, and reading a
// store's runs and series for exact comparison. Test-only; the library never imports this.

import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const CLI = join(ROOT, "test", "sweep", "fixtures", "cli.mjs");

function newestSourceIsNewerThanDist(): boolean {
  const src = join(ROOT, "src");
  const walk = (dir: string): boolean => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) {
        if (name === "assembly") continue;
        if (walk(p)) return true;
      } else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) {
        const out = join(ROOT, "dist", relative(src, p)).replace(/\.ts$/, ".js");
        if (!existsSync(out) || statSync(out).mtimeMs < st.mtimeMs) return true;
      }
    }
    return false;
  };
  return walk(src);
}

/** Compiles src/ to dist/ when any source is newer than its output (workers load dist/). */
export function ensureBuilt(): void {
  // one build at a time across the sweep test files (vitest runs files in parallel processes)
  const lock = join(tmpdir(), `grokscale-sweep-build-${createHash("sha256").update(ROOT).digest("hex").slice(0, 12)}.lock`);
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs > 120_000) rmdirSync(lock); // left by a killed test run
      } catch {
        /* released meanwhile */
      }
      execFileSync("sleep", ["0.2"]);
    }
  }
  try {
    if (newestSourceIsNewerThanDist()) {
      try {
        execFileSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"], {
          cwd: ROOT,
          stdio: "pipe",
        });
      } catch {
        /* type errors elsewhere still emit JavaScript; the worker's presence is checked below */
      }
    }
    if (!existsSync(join(ROOT, "dist", "sweep", "worker.js"))) throw new Error("build failed: dist/sweep/worker.js missing");
  } finally {
    rmdirSync(lock);
  }
}

let tmpRoot: string | null = null;

/** A fresh store path in a temporary folder (removed by cleanupTmp, each file's afterAll). */
export function tmpStore(tag: string): string {
  tmpRoot ??= mkdtempSync(join(tmpdir(), "gs-sweep-tests-"));
  return join(mkdtempSync(join(tmpRoot, `${tag}-`)), "store.db");
}

export function cleanupTmp(): void {
  if (tmpRoot !== null) rmSync(tmpRoot, { recursive: true, force: true });
  tmpRoot = null;
}

/** A real-trainer config that runs 600 steps in about half a second (unloaded). */
export const SMALL = {
  p: 11, d_embed: 16, hidden: 32, steps: 600, lr: 0.01, train_frac: 0.6, eval_every: 25, log_every: 25, kernels: "reference",
} as const;
/** A real-trainer config of a few hundred milliseconds. */
export const TINY = { p: 7, d_embed: 8, hidden: 16, steps: 300, eval_every: 25, log_every: 25, kernels: "reference" } as const;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Spawns the sweep CLI fixture (`grokscale` with the sweep commands) and collects its output. */
export function spawnCli(args: string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<Exit> } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: "pipe" });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Exit>((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface StoredRun {
  status: string;
  result: string | null;
  T_mem: number | null;
  T_grok: number | null;
  delay: number | null;
  norm_at_grok: number | null;
  steps_run: number | null;
  final_json: string | null;
  series: Record<string, unknown>[];
}

/** Every run of a store with its series, by job id: the parts that must be bit-identical. */
export function storedResults(storePath: string): Map<string, StoredRun> {
  const db = new Database(storePath, { readonly: true });
  try {
    const runs = db.prepare(`SELECT job_id, status, result, T_mem, T_grok, delay, norm_at_grok, steps_run, final_json FROM runs ORDER BY job_id`).all() as (StoredRun & { job_id: string })[];
    const series = db.prepare(`SELECT * FROM series WHERE job_id = ? ORDER BY step`);
    return new Map(runs.map(({ job_id, ...r }) => [job_id, { ...r, series: series.all(job_id) as Record<string, unknown>[] }]));
  } finally {
    db.close();
  }
}

export function query<T>(storePath: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(storePath, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** The checkpoint files under a store's checkpoint folder: job id → steps. */
export function checkpointsOnDisk(storePath: string): Map<string, number[]> {
  const root = `${storePath}-checkpoints`;
  const out = new Map<string, number[]>();
  if (!existsSync(root)) return out;
  for (const shard of readdirSync(root)) {
    for (const job of readdirSync(join(root, shard))) {
      const steps = readdirSync(join(root, shard, job))
        .map((n) => /^(\d+)\.ckpt$/.exec(n))
        .filter((m) => m !== null)
        .map((m) => Number(m![1]));
      if (steps.length) out.set(job, steps.sort((a, b) => a - b));
    }
  }
  return out;
}
