// The cost of a set of jobs before anything runs: per experiment, its jobs, the seed-steps the cost
// model (cost.ts) expects them to take (not their budgets: most stop at grokking; every seed of a cell
// trains to the step its cell's last seed groks, so a cell of n seeds costs n times its expected
// latest grokking time), the same in
// p = 59 float32 MLP step equivalents, and the hours these take at a given machine-wide step rate per
// step kind. `grokscale plan` feeds it a preset's jobs and measured rates; the sweep's ETA uses the
// same model (sweep/eta.ts). Pure: no timing and no printing here.

import { resolveConfig, type RunConfig } from "../base/config.js";
import { expectedCellSteps, stepCost } from "./cost.js";

export interface PlanJob {
  jobId: string;
  /** the experiment (or stage) the job belongs to */
  experiment: string;
  config: RunConfig;
  /** the job's cell (its seeds run to the cell's end together); a job without one is a cell of its own */
  cellId?: string;
}

/** Configs whose steps cost the same: the model's shape, the data size, the batch and the dtype. */
export function stepKind(c: RunConfig): string {
  const shape = c.model === "mlp" ? `d${c.d_embed} H${c.hidden}` : `dm${c.d_model} h${c.heads} mlp${c.d_mlp} ln-${c.layernorm}`;
  return `${c.model} p${c.p} ${c.dtype} ${shape} frac${c.train_frac}${c.batch_size !== null ? ` batch${c.batch_size}` : ""} ${c.kernels}`;
}

/** The step cost of the p = 59 float32 MLP with the paper's defaults: one "p59-equivalent" step. */
export const P59_STEP_COST = stepCost(resolveConfig({ p: 59 }));

export interface ExperimentPlan {
  experiment: string;
  /** the experiment's jobs (a job shared with an earlier experiment is counted there only) */
  jobs: number;
  /** Σ expected steps over its jobs (seed-steps) */
  expected_seed_steps: number;
  /** Σ step budgets over its jobs: the most it could take */
  budget_seed_steps: number;
  /** expected seed-steps weighted by step cost, in p = 59 float32 MLP steps */
  p59_equivalent: number;
  /** hours on the machines at the given rates (null without rates) */
  hours: number | null;
}

export interface Plan {
  experiments: ExperimentPlan[];
  total: ExperimentPlan;
  /** the longest single job, in hours on one worker (a lower bound on the wall time); null without rates */
  longest_job_hours: number | null;
  /** the wall-time estimate: max(total hours, longest job) */
  wall_hours: number | null;
}

export interface PlanRates {
  /** machine-wide milliseconds per seed-step with all workers busy, per step kind */
  msPerSeedStep: (c: RunConfig) => number;
  /** one worker's milliseconds per step for a kind (for the longest-job bound) */
  msPerStepOneWorker: (c: RunConfig) => number;
  /** machines of this kind sharing the work */
  machines: number;
}

/**
 * The plan of jobs listed in run order; a job id seen twice counts once, under its first experiment.
 * A cell's seeds are counted over `cellsOf` (default: the jobs themselves), so that a cell partly done
 * already still counts as the size it has.
 */
export function planJobs(jobs: readonly PlanJob[], rates: PlanRates | null, cellsOf: readonly PlanJob[] = jobs): Plan {
  const seeds = new Map<string, Set<string>>();
  for (const j of cellsOf) if (j.cellId !== undefined) (seeds.get(j.cellId) ?? seeds.set(j.cellId, new Set()).get(j.cellId)!).add(j.jobId);
  const seen = new Set<string>();
  const by = new Map<string, ExperimentPlan>();
  const blank = (experiment: string): ExperimentPlan => ({ experiment, jobs: 0, expected_seed_steps: 0, budget_seed_steps: 0, p59_equivalent: 0, hours: rates ? 0 : null });
  const total = blank("total");
  let longest: number | null = rates ? 0 : null;
  for (const j of jobs) {
    if (!by.has(j.experiment)) by.set(j.experiment, blank(j.experiment));
    if (seen.has(j.jobId)) continue;
    seen.add(j.jobId);
    const e = by.get(j.experiment)!;
    const steps = expectedCellSteps(j.config, j.cellId === undefined ? 1 : (seeds.get(j.cellId)?.size ?? 1));
    const eq = (steps * stepCost(j.config)) / P59_STEP_COST;
    const hours = rates ? (steps * rates.msPerSeedStep(j.config)) / 3.6e6 / rates.machines : null;
    for (const x of [e, total]) {
      x.jobs++;
      x.expected_seed_steps += steps;
      x.budget_seed_steps += j.config.steps;
      x.p59_equivalent += eq;
      if (hours !== null) x.hours! += hours;
    }
    if (rates) longest = Math.max(longest!, (steps * rates.msPerStepOneWorker(j.config)) / 3.6e6);
  }
  return {
    experiments: [...by.values()],
    total,
    longest_job_hours: longest,
    wall_hours: total.hours === null ? null : Math.max(total.hours, longest!),
  };
}

/**
 * Rates for every kind from one measured kind: the cost model's step-cost ratio scales the measured
 * milliseconds (machine-wide and one worker) of `ref` to any other config.
 */
export function scaledRates(ref: RunConfig, msMachine: number, msOneWorker: number, machines: number): PlanRates {
  const base = stepCost(ref);
  return {
    msPerSeedStep: (c) => (msMachine * stepCost(c)) / base,
    msPerStepOneWorker: (c) => (msOneWorker * stepCost(c)) / base,
    machines,
  };
}
