// E9 forking arms for one modulus: every arm continues from the same state at t_fork, so delays are
// counted from the fork: delay = T_grok - t_fork (T_grok is an absolute step). Per arm, the median
// delay over grokked seeds (half rule); raised/same = the ratio of the median delays over the seeds
// where both arms grokked, as the paper's analysis reads it, with a paired bootstrap interval over
// those seeds; and the number of seeds whose delays rise strictly through lowered < free < same <
// raised (arms present only; every one of them must have grokked; our rule, docs/study.md).

import { grokTime } from "./cell-stats.js";
import { pairedBootstrap, sharedSeedCount, type BootstrapInterval, type BootstrapOptions } from "./bootstrap.js";
import { fail, ok, type Outcome } from "./outcome.js";
import type { CellRecord, SeedRecord } from "./records.js";

export const FORK_ORDER = ["clamp_lowered", "free", "clamp_same", "clamp_raised"] as const;

/** Arm names as the npz files write them; a store may name the arms "lowered", "same", "raised". */
export function forkArmName(arm: string): string {
  return arm === "lowered" || arm === "same" || arm === "raised" ? `clamp_${arm}` : arm;
}

export interface ForkArmRow {
  arm: string;
  t_fork: number;
  delay: number | null; // median T_grok over grokked seeds minus t_fork
  nGrokked: number;
  S: number;
  dropped: string | null;
}

export interface ForkResult {
  arms: ForkArmRow[]; // in FORK_ORDER, then any other arms
  ratio: number; // delay(clamp_raised) / delay(clamp_same)
  ci: Outcome<BootstrapInterval>;
  monotone: Outcome<{ count: number; of: number; arms: string[] }>;
}

export function forkingArms(input: readonly CellRecord[], boot: BootstrapOptions, stream: string): Outcome<ForkResult> {
  const cells = input.map((c) => (forkArmName(c.arm) === c.arm ? c : { ...c, arm: forkArmName(c.arm) }));
  const rank = (a: string) => {
    const i = (FORK_ORDER as readonly string[]).indexOf(a);
    return i < 0 ? FORK_ORDER.length : i;
  };
  const sorted = [...cells].sort((a, b) => rank(a.arm) - rank(b.arm) || (a.arm < b.arm ? -1 : 1));
  const noFork = sorted.find((c) => c.t_fork === null);
  if (noFork) return fail(`${noFork.id}: a forking arm without t_fork`);
  const arms: ForkArmRow[] = sorted.map((c) => {
    const t = grokTime(c.seeds);
    return {
      arm: c.arm,
      t_fork: c.t_fork!,
      delay: t.ok ? t.value - c.t_fork! : null,
      nGrokked: c.seeds.filter((s) => s.T_grok !== null).length,
      S: c.seeds.length,
      dropped: t.ok ? null : t.reason,
    };
  });
  const raised = sorted.find((c) => c.arm === "clamp_raised");
  const same = sorted.find((c) => c.arm === "clamp_same");
  if (!raised || !same) return fail("the raised/same ratio needs both a clamp_raised and a clamp_same arm");
  const delayOf = (seeds: readonly SeedRecord[], tf: number): Outcome<number> => {
    const t = grokTime(seeds);
    return t.ok ? ok(t.value - tf) : t;
  };
  const ratioOf = (r: readonly SeedRecord[], s: readonly SeedRecord[]): Outcome<number> => {
    const dr = delayOf(r, raised.t_fork!);
    const ds = delayOf(s, same.t_fork!);
    if (!dr.ok) return fail(`clamp_raised: ${dr.reason}`);
    if (!ds.ok) return fail(`clamp_same: ${ds.reason}`);
    if (!(ds.value > 0)) return fail("the clamp_same arm's delay is not positive; the ratio is undefined");
    return ok(dr.value / ds.value);
  };
  const shared = sharedSeedCount([raised.seeds, same.seeds]);
  if (!shared.ok) return shared;
  const both = raised.seeds.map((_, i) => i).filter((i) => raised.seeds[i]!.T_grok !== null && same.seeds[i]!.T_grok !== null);
  if (both.length === 0) return fail("no seed grokked in both the clamp_raised and the clamp_same arm");
  const rBoth = both.map((i) => raised.seeds[i]!);
  const sBoth = both.map((i) => same.seeds[i]!);
  const ratio = ratioOf(rBoth, sBoth);
  if (!ratio.ok) return ratio;
  const ci = pairedBootstrap([rBoth, sBoth], (rs) => ratioOf(rs[0]!, rs[1]!), boot, stream);
  return ok({ arms, ratio: ratio.value, ci, monotone: monotoneCount(sorted.filter((c) => rank(c.arm) < FORK_ORDER.length)) });
}

function monotoneCount(ordered: readonly CellRecord[]): Outcome<{ count: number; of: number; arms: string[] }> {
  if (ordered.length < 2) return fail("monotone ordering needs at least two of the four arms");
  const S = sharedSeedCount(ordered.map((c) => c.seeds));
  if (!S.ok) return S;
  let count = 0;
  for (let i = 0; i < S.value; i++) {
    const d = ordered.map((c) => c.seeds[i]!.T_grok);
    if (d.every((t) => t !== null) && d.every((t, j) => j === 0 || t! - ordered[j]!.t_fork! > d[j - 1]! - ordered[j - 1]!.t_fork!)) count++;
  }
  return ok({ count, of: S.value, arms: ordered.map((c) => c.arm) });
}
