// Where a cell's training ends, and which seeds must be continued to get there. The paper's runner
// trains a cell's seeds together until the last one groks (docs/study.md); ours stop at their own
// grok, so once all are done the early stoppers are continued from their final state to the cell's
// end: the same bits as never stopping. Plans here, and runs them in one process (trainCell);
// sweep/extend.ts runs them for a store.

import type { RunConfig } from "../base/config.js";
import type { RunSeedOptions, RunSeedOutcome } from "./trainer.js";
import type { SeedResult, SeedStatus } from "../base/results.js";
import type { Snapshot } from "./types.js";

/** What the plan needs of a finished seed. */
export interface SeedEnd {
  seed: number;
  status: SeedStatus;
  steps_run: number;
}

/**
 * The cell's end step: the last step any of its seeds trains, as in the paper's runner (the step its
 * last seed grokked, or the budget when a seed never groks). Diverged seeds are left out: they cannot
 * be continued (the paper's runner would have run the cell to its budget; ours does not). Null when
 * nothing needs continuing: seeds that do not stop at grok all run to the budget anyway.
 */
export function cellEndStep(cfg: RunConfig, seeds: readonly SeedEnd[]): number | null {
  if (!cfg.stop_on_grok) return null;
  const live = seeds.filter((s) => s.status !== "diverged");
  if (live.length === 0) return null;
  return Math.max(...live.map((s) => s.steps_run));
}

/** The seeds to continue, each to the cell's end step. Empty once every live seed is there. */
export function continuations(cfg: RunConfig, seeds: readonly SeedEnd[]): Array<{ seed: number; until: number }> {
  const end = cellEndStep(cfg, seeds);
  if (end === null) return [];
  return seeds.filter((s) => s.status === "grokked" && s.steps_run < end).map((s) => ({ seed: s.seed, until: end }));
}

/**
 * The result of a continued seed: the continuation's log, steps, final state and events (T_grok and
 * the norm at grok are the original's, first crossings being kept; a T_mem not reached by the grok
 * may be reached during the continuation, as in the paper's runner).
 */
export function continuedResult(original: SeedResult, cont: SeedResult): SeedResult {
  if (cont.seed !== original.seed) throw new Error(`continuation of seed ${cont.seed} given for seed ${original.seed}`);
  return {
    ...cont,
    T_grok: original.T_grok,
    grokked: original.grokked,
    status: cont.status === "diverged" ? "diverged" : original.status,
    norm_at_grok: original.norm_at_grok,
  };
}

type RunSeed = (cfg: RunConfig, seed: number, opts?: RunSeedOptions) => RunSeedOutcome;

/**
 * All seeds of one cell in this thread, as the paper trains a cell: each seed to its grok, then the
 * early grokkers continued from their final state to the cell's end. Results in seed order.
 */
export function trainCell(runSeed: RunSeed, cfg: RunConfig, seeds: readonly number[], opts: (seed: number) => RunSeedOptions = () => ({})): SeedResult[] {
  const results = new Map<number, SeedResult>();
  const finals = new Map<number, Snapshot>();
  for (const seed of seeds) {
    const out = runSeed(cfg, seed, { ...opts(seed), keepFinal: true });
    if (out.stopped) throw new Error(`seed ${seed}: training stopped unexpectedly`);
    results.set(seed, out.result);
    if (out.final) finals.set(seed, out.final);
  }
  return extendResults(runSeed, cfg, seeds.map((s) => results.get(s)!), (seed) => finals.get(seed) ?? null);
}

/** Continues the early grokkers among `results` (from their final snapshot, or from step 0 without one). */
export function extendResults(runSeed: RunSeed, cfg: RunConfig, results: readonly SeedResult[], finalOf: (seed: number) => Snapshot | null): SeedResult[] {
  const plan = new Map(continuations(cfg, results).map((c) => [c.seed, c.until]));
  return results.map((r) => {
    const until = plan.get(r.seed);
    if (until === undefined) return r;
    const out = runSeed(cfg, r.seed, { resume: finalOf(r.seed), until });
    if (out.stopped) throw new Error(`seed ${r.seed}: continuation stopped unexpectedly`);
    return continuedResult(r, out.result);
  });
}
