// Paired bootstrap over seeds: each resample draws S seed indices with replacement, and the same
// indices are applied to every cell in the comparison (the seeds are shared across cells, so this
// keeps their pairing). Cell-level quantities fixed by design (e.g. L) are the caller's to hold
// fixed. Seeded (Rng from base/rng.ts), hence deterministic. Percentile intervals only.

import { Rng } from "../base/rng.js";
import { fail, ok, type Outcome } from "./outcome.js";
import type { SeedRecord } from "./records.js";
import { percentile } from "./stats.js";

export interface BootstrapOptions {
  resamples: number; // the study uses 4000
  seed: number; // RNG seed; each statistic also gets its own named stream
  level: number; // 0.95 for a 95% interval
}

export const DEFAULT_BOOTSTRAP: BootstrapOptions = { resamples: 4000, seed: 0, level: 0.95 };

export interface BootstrapInterval {
  lo: number;
  hi: number;
  valid: number; // resamples where the statistic was defined
  resamples: number;
}

/** Check that every cell ran the same seeds in the same order; returns S. */
export function sharedSeedCount(seedLists: readonly (readonly SeedRecord[])[]): Outcome<number> {
  if (seedLists.length === 0) return fail("paired bootstrap: no cells");
  const ids = seedLists[0]!.map((s) => s.seed);
  if (ids.length === 0) return fail("paired bootstrap: cells have no seeds");
  for (const l of seedLists) {
    if (l.length !== ids.length || l.some((s, i) => s.seed !== ids[i])) {
      return fail(`paired bootstrap needs the same seeds in every cell (found [${ids.join(",")}] and [${l.map((s) => s.seed).join(",")}])`);
    }
  }
  return ok(ids.length);
}

/**
 * Percentile interval of `stat` over paired resamples of the cells' seeds. `stat` gets the
 * resampled seed lists in the order given and may decline (a resample where, say, a cell fails
 * the half rule); declined resamples are counted, not imputed.
 */
export function pairedBootstrap(
  seedLists: readonly (readonly SeedRecord[])[],
  stat: (resampled: SeedRecord[][]) => Outcome<number>,
  opts: BootstrapOptions,
  stream: string,
): Outcome<BootstrapInterval> {
  const S = sharedSeedCount(seedLists);
  if (!S.ok) return S;
  if (!(opts.resamples >= 1) || !(opts.level > 0 && opts.level < 1)) return fail("bootstrap: bad resamples or level");
  const rng = new Rng(opts.seed, `bootstrap:${stream}`);
  const values: number[] = [];
  const idx = new Array<number>(S.value);
  for (let b = 0; b < opts.resamples; b++) {
    for (let i = 0; i < S.value; i++) idx[i] = rng.int(S.value);
    const v = stat(seedLists.map((l) => idx.map((i) => l[i]!)));
    if (v.ok && Number.isFinite(v.value)) values.push(v.value);
  }
  if (values.length === 0) return fail("bootstrap: the statistic was undefined in every resample");
  const a = (1 - opts.level) / 2;
  return ok({ lo: percentile(values, a), hi: percentile(values, 1 - a), valid: values.length, resamples: opts.resamples });
}
