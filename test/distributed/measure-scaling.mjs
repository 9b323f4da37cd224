// Measures queue throughput (jobs per minute) with 1 and 2 queue workers on this machine, beside the
// local pool with 1 and 2 threads, for one small sweep. A script, not a test (no timing assertions):
//   npm run build && node test/distributed/measure-scaling.mjs [JOBS] [STEPS] [ROUNDS]
// Starts its own redis-server on a free loopback port; workers are real `grokscale worker` processes.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const { runDistributedSweep } = await import(join(ROOT, "dist", "distributed", "coordinator.js"));
const { runSweep } = await import(join(ROOT, "dist", "sweep", "run.js"));

const JOBS = Number(process.argv[2] ?? 12);
const STEPS = Number(process.argv[3] ?? 3000);
const ROUNDS = Number(process.argv[4] ?? 1);
const base = { p: 23, d_embed: 32, hidden: 64, lr: 0.01, train_frac: 0.6, eval_every: 25, log_every: 100, kernels: "wasm", steps: STEPS, stop_on_grok: false };
const spec = (name) => ({ name, seeds: JOBS / 2, base, grid: { tau: [1, 1.25] } });

const tmp = mkdtempSync(join(tmpdir(), "gs-scaling-"));
const port = await new Promise((resolve) => {
  const s = createServer().listen(0, "127.0.0.1", () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
const redis = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", tmp], { stdio: "ignore" });
const url = `redis://127.0.0.1:${port}`;
await new Promise((r) => setTimeout(r, 500));

function startWorker(queue, threads) {
  const child = spawn(process.execPath, [join(ROOT, "bin", "grokscale.js"), "worker", "--redis", url, "--queue", queue, "--workers", String(threads)], { stdio: ["ignore", "pipe", "inherit"] });
  const ready = new Promise((resolve) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d.toString();
      if (out.includes("waiting for jobs")) resolve();
    });
  });
  return { child, ready };
}

async function queued(label, processes, threads) {
  const queue = label.replace(/\W+/g, "-");
  const ws = Array.from({ length: processes }, () => startWorker(queue, threads));
  await Promise.all(ws.map((w) => w.ready)); // process start-up is not counted
  const t0 = performance.now();
  const s = await runDistributedSweep(spec(queue), { redis: url, queue, store: join(tmp, `${queue}.db`), pollMs: 100 });
  const wall = (performance.now() - t0) / 1000;
  for (const w of ws) w.child.kill("SIGTERM");
  await Promise.all(ws.map((w) => new Promise((r) => w.child.once("exit", r))));
  if (s.ran !== JOBS) throw new Error(`${label}: ran ${s.ran} of ${JOBS}`);
  return { label, wall_s: wall, jobs_per_min: (JOBS / wall) * 60 };
}

async function local(label, threads, round) {
  const t0 = performance.now();
  const s = await runSweep(spec(`local${threads}`), { store: join(tmp, `local${threads}-${round}.db`), workers: threads });
  const wall = (performance.now() - t0) / 1000;
  if (s.ran !== JOBS) throw new Error(`${label}: ran ${s.ran} of ${JOBS}`);
  return { label, wall_s: wall, jobs_per_min: (JOBS / wall) * 60 };
}

// rounds alternate the configurations, so that load from other processes falls on all of them alike
const configs = [
  ["local pool, 1 thread", (r) => local(`local pool, 1 thread`, 1, r)],
  ["local pool, 2 threads", (r) => local(`local pool, 2 threads`, 2, r)],
  ["queue, 1 worker x 1 thread", (r) => queued(`q1x1-${r}`, 1, 1)],
  ["queue, 2 workers x 1 thread", (r) => queued(`q2x1-${r}`, 2, 1)],
  ["queue, 1 worker x 2 threads", (r) => queued(`q1x2-${r}`, 1, 2)],
];
const walls = new Map(configs.map(([label]) => [label, []]));
const load0 = loadavg()[0];
try {
  for (let r = 0; r < ROUNDS; r++) for (const [label, run] of configs) walls.get(label).push((await run(r)).wall_s);
} finally {
  redis.kill("SIGKILL");
  rmSync(tmp, { recursive: true, force: true });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = configs.map(([label]) => {
  const wall = median(walls.get(label));
  return { label, wall_s: wall, jobs_per_min: (JOBS / wall) * 60, rounds: walls.get(label) };
});
console.log(`${JOBS} jobs of ${STEPS} steps (p=23 MLP d=32 H=64, wasm kernels), ${cpus().length} cores, median of ${ROUNDS} round(s), load average ${load0.toFixed(1)} -> ${loadavg()[0].toFixed(1)}`);
for (const r of rows) console.log(`${r.label.padEnd(30)} ${r.wall_s.toFixed(1).padStart(6)} s  ${r.jobs_per_min.toFixed(1).padStart(6)} jobs/min`);
console.log(JSON.stringify(rows));
