// `grokscale plan --preset NAME | SPEC.json [--store PATH]`: what a preset or a sweep spec will cost before
// anything runs (with a store: what it would still cost, its done jobs left out) — per experiment its
// jobs, the seed-steps the cost model expects (and the budgets' ceiling), p = 59 step equivalents,
// and hours on this machine from a step rate measured now (a short calibration run) or given with
// --ms-per-step. The arithmetic is experiments/plan.ts; this file gathers jobs, measures and prints.

import { availableParallelism } from "node:os";
import type { Command } from "commander";
import { cpuInfo, describeCpu } from "../bench/cpu.js";
import { throughput } from "../bench/pool.js";
import { resolveConfig, type RunConfig } from "../base/config.js";
import { planJobs, type PlanJob, type PlanRates, scaledRates, stepKind } from "../experiments/plan.js";
import { paperWc } from "../experiments/paper-wc.js";
import { isScale } from "../experiments/presets.js";
import { presetSpecs } from "../sweep/preset.js";
import { resolveSweepSpec } from "../experiments/sweep-spec.js";
import { openStore } from "../sweep/store.js";
import { intFlag } from "./options.js";
import { ALLOC_CONTROLS_SPEC } from "./reproduce.js";
import { atSpec, fmtTime, readSpec } from "./sweep.js";

/** Stand-in calibration for E8's cells: their expected cost does not depend on it (cost.ts). */
const ALLOC_STAND_IN = Object.fromEntries([59, 97].map((p) => [p, { wc: paperWc("ce", p), theta0: 0.5, f_w1: 0.5 }]));

/** A preset's jobs in run order, each tagged with its experiment (the paper scale's θ0 controls first). */
export function presetJobs(name: string): PlanJob[] {
  const stages: Array<{ experiment: string; spec: unknown }> = [];
  if (name === "paper") stages.push({ experiment: "controls (E8 calibration)", spec: ALLOC_CONTROLS_SPEC });
  for (const e of presetSpecs(name, { alloc: ALLOC_STAND_IN })) stages.push({ experiment: `${e.id} ${e.spec.name}`, spec: e.spec });
  return stages.flatMap((s) => resolveSweepSpec(s.spec).jobs.map((j) => ({ jobId: j.jobId, experiment: s.experiment, config: j.config, cellId: j.cellId })));
}

/** A sweep spec file's jobs, tagged with the spec's name. */
export function specJobs(path: string): PlanJob[] {
  const spec = readSpec(path);
  const resolved = atSpec(path, () => resolveSweepSpec(spec));
  const name = typeof (spec as { name?: unknown }).name === "string" ? String((spec as { name: string }).name) : path;
  return resolved.jobs.map((j) => ({ jobId: j.jobId, experiment: name, config: j.config, cellId: j.cellId }));
}

/**
 * The jobs a store already holds as done (read-only): a sweep into that store would not run them.
 * Seeds it continues to a cell's later end (train/cell-end.ts) are not counted.
 */
export function doneJobIds(storePath: string, jobs: readonly PlanJob[]): Set<string> {
  const db = openStore(storePath, { readonly: true });
  try {
    const ids = jobs.map((j) => j.jobId);
    const rows = db.prepare(`SELECT job_id FROM runs WHERE status = 'done' AND job_id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)) as { job_id: string }[];
    return new Set(rows.map((r) => r.job_id));
  } finally {
    db.close();
  }
}

interface Measured {
  kind: string;
  workers: number;
  ms_per_seed_step: number;
  ms_one_worker: number;
}

async function measure(c: RunConfig, workers: number, steps: number): Promise<Measured> {
  const input = { ...c, steps: 1 } as Record<string, unknown>;
  const one = await throughput(input, 1, steps, 25, 2);
  const all = workers > 1 ? await throughput(input, workers, steps, 25, 2) : one;
  return { kind: stepKind(c), workers, ms_per_seed_step: all.ms_per_seed_step, ms_one_worker: one.ms_per_seed_step };
}

const num = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)}k` : x.toFixed(0));

export function registerPlan(program: Command): void {
  program
    .command("plan")
    .description("estimate a preset's (or a sweep spec's) jobs, seed-steps and hours on this machine before running it")
    .argument("[spec]", "a sweep spec JSON file (instead of --preset)")
    .option("--preset <name>", "a scale (quick, paper, mini) or SCALE/EXPERIMENT")
    .option("--workers <n>", "worker threads per machine (default: one per core)")
    .option("--machines <n>", "machines like this one sharing the work", "1")
    .option("--ms-per-step <ms>", "use this machine-wide rate (ms per p = 59 f32 seed-step with --workers) instead of measuring")
    .option("--calibrate-kinds", "measure every step kind of the preset (default: p = 59 f32, other kinds scaled by the cost model)")
    .option("--calibration-steps <n>", "timed steps per calibration run (a multiple of 50; shorter windows misjudge the rate of two workers)", "500")
    .option("--store <path>", "leave out the jobs this results store already holds as done (what a sweep into it would still run)")
    .option("--json", "print one JSON object")
    .action(async (specPath: string | undefined, opts: Record<string, unknown>) => {
      if ((specPath === undefined) === (opts["preset"] === undefined)) throw new Error("plan: give either a spec file or --preset NAME");
      const name = specPath ?? String(opts["preset"]);
      const workers = opts["workers"] === undefined ? availableParallelism() : intFlag("--workers", opts["workers"]);
      const machines = intFlag("--machines", opts["machines"]);
      const calSteps = intFlag("--calibration-steps", opts["calibrationSteps"], 50);
      if (calSteps % 50 !== 0) throw new Error(`invalid value for --calibration-steps: ${calSteps} (must be a multiple of 50)`);
      const say = (m: string) => (opts["json"] ? process.stderr : process.stdout).write(m + "\n");
      const all = specPath !== undefined ? specJobs(specPath) : presetJobs(name);
      const done = opts["store"] === undefined ? new Set<string>() : doneJobIds(String(opts["store"]), all);
      const jobs = all.filter((j) => !done.has(j.jobId));
      const ref = resolveConfig({ p: 59 });
      const measured: Measured[] = [];
      let rates: PlanRates;
      let rateNote: string;
      if (opts["msPerStep"] !== undefined) {
        const ms = Number(opts["msPerStep"]);
        if (!(ms > 0)) throw new Error(`invalid value for --ms-per-step: ${JSON.stringify(opts["msPerStep"])} (expected a positive number)`);
        rates = scaledRates(ref, ms, ms * workers, machines);
        rateNote = `given: ${ms} ms per p59 f32 seed-step machine-wide (one worker assumed ${workers}x slower); other kinds scaled by the cost model`;
      } else if (opts["calibrateKinds"]) {
        const kinds = new Map<string, RunConfig>();
        for (const j of jobs) if (!kinds.has(stepKind(j.config))) kinds.set(stepKind(j.config), j.config);
        for (const [kind, c] of kinds) {
          say(`calibrating ${kind} (${workers} workers, ${calSteps} steps)...`);
          measured.push(await measure(c, workers, calSteps));
        }
        const by = new Map(measured.map((m) => [m.kind, m]));
        rates = { msPerSeedStep: (c) => by.get(stepKind(c))!.ms_per_seed_step, msPerStepOneWorker: (c) => by.get(stepKind(c))!.ms_one_worker, machines };
        rateNote = `measured now for each of ${kinds.size} step kinds (${calSteps} steps, ${workers} workers)`;
      } else {
        say(`calibrating p59 f32 MLP (${workers} workers, ${calSteps} steps)...`);
        const m = await measure(ref, workers, calSteps);
        measured.push(m);
        rates = scaledRates(ref, m.ms_per_seed_step, m.ms_one_worker, machines);
        rateNote = `measured now: p59 f32 ${m.ms_per_seed_step.toFixed(2)} ms per seed-step machine-wide with ${workers} workers, ${m.ms_one_worker.toFixed(2)} on one; other kinds scaled by the cost model`;
      }
      const plan = planJobs(jobs, rates, all);
      const cpu = cpuInfo();
      if (opts["json"]) {
        const store = opts["store"] === undefined ? {} : { store: String(opts["store"]), already_done: done.size };
        process.stdout.write(JSON.stringify({ ...(specPath !== undefined ? { spec: specPath } : { preset: name }), workers, machines, cpu, rate: rateNote, measured, ...store, ...plan }) + "\n");
        return;
      }
      say(`plan: ${specPath !== undefined ? "spec" : "preset"} ${name}, ${plan.total.jobs} jobs${opts["store"] === undefined ? "" : ` (${done.size} more already done in ${String(opts["store"])})`}, ${workers} workers × ${machines} machine(s)`);
      say(`cpu: ${describeCpu(cpu)}`);
      say(`rate: ${rateNote}`);
      const head = ["experiment", "jobs", "expected seed-steps", "budget seed-steps", "p59-equivalent", "time"];
      const rows = [...plan.experiments, plan.total].map((e) => [e.experiment, String(e.jobs), num(e.expected_seed_steps), num(e.budget_seed_steps), num(e.p59_equivalent), fmtTime((e.hours ?? NaN) * 3600)]);
      const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
      const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join("  ");
      say(line(head));
      for (const r of rows) say(line(r));
      say(`longest job: ${fmtTime(plan.longest_job_hours! * 3600)} on one worker; estimate ${fmtTime(plan.wall_hours! * 3600)} (expected grokking times from the cost model, each cell to its last seed's; not budgets)`);
      if (specPath === undefined && isScale(name) && name === "paper") say(`E8's cells use a calibration stand-in (${JSON.stringify(ALLOC_STAND_IN)}); their cost does not depend on it`);
    });
}
