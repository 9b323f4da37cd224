// E2 mediation for one (model, loss, modulus): T0 = baseline T_grok (rho 1, tau 1), T1 = norm-up
// T_grok (rho 1.15, tau 1), T2 = T_grok at the baseline's L0, linearly interpolated on the norm-up
// cells' (L, T_grok) points taken in increasing L and clamped at the ends as np.interp (the paper's
// analysis). Recovery = (T1 - T2)/(T1 - T0), with a paired bootstrap interval: seeds resampled with
// the same indices in every cell, each cell's L held fixed at its point-estimate value; a resample in
// which a cell has fewer than half its seeds grokked is declined (our rule: the paper defines none,
// docs/study.md). Not the tau table (tau-sweep.ts).

import { grokTime, summarizeCell, usable, type UsableCell } from "./cell-stats.js";
import { pairedBootstrap, type BootstrapInterval, type BootstrapOptions } from "./bootstrap.js";
import { fail, ok, type Outcome } from "./outcome.js";
import { cellLabel, type CellRecord, type SeedRecord } from "./records.js";
import { interpClamped } from "./stats.js";

export interface MediationResult {
  T0: number;
  T1: number;
  T2: number;
  L0: number;
  slowdown: number; // T1 / T0
  recovery: number;
  ci: Outcome<BootstrapInterval>;
  points: Array<{ tau: number; L: number; T_grok: number }>; // the norm-up cells used for T2
  dropped: string[]; // norm-up cells that do not count
}

/** Recovery from one baseline cell and its norm-up tau sweep (all at one rho, one at tau 1). */
export function mediation(
  base: CellRecord,
  ups: readonly CellRecord[],
  boot: BootstrapOptions,
  stream: string,
): Outcome<MediationResult> {
  const b = summarizeCell(base);
  if (!usable(b)) return fail(`baseline does not count: ${b.dropped ?? "no L"}`);
  if (ups.length === 0) return fail("no norm-up cells");
  const rhos = new Set(ups.map((u) => u.rho));
  if (rhos.size !== 1) return fail(`norm-up cells span several rho (${[...rhos].join(", ")}); expected one`);
  const sums = ups.map(summarizeCell);
  const good = sums.filter(usable).sort((x, y) => x.cell.tau - y.cell.tau);
  const dropped = sums.filter((s) => !usable(s)).map((s) => s.dropped ?? cellLabel(s.cell));
  const one = good.find((s) => Math.abs(s.cell.tau - 1) < 1e-9);
  if (!one) return fail("no counting norm-up cell at tau 1, so no T1");
  if (good.length < 2) return fail("T2 needs at least two counting norm-up cells to interpolate between");
  const Ls = good.map((s) => s.L);
  const point = recoveryOf(b.T_grok, good.map((s) => s.T_grok), good.indexOf(one), Ls, b.L);
  if (!point.ok) return point;
  const stat = (rs: SeedRecord[][]): Outcome<number> => {
    const t0 = grokTime(rs[0]!);
    if (!t0.ok) return t0;
    const ts: number[] = [];
    for (const r of rs.slice(1)) {
      const t = grokTime(r);
      if (!t.ok) return t;
      ts.push(t.value);
    }
    const rec = recoveryOf(t0.value, ts, good.indexOf(one), Ls, b.L);
    return rec.ok ? ok(rec.value.recovery) : rec;
  };
  const ci = pairedBootstrap([base.seeds, ...good.map((s) => s.cell.seeds)], stat, boot, stream);
  return ok({
    ...point.value,
    L0: b.L,
    ci,
    points: good.map((s: UsableCell) => ({ tau: s.cell.tau, L: s.L, T_grok: s.T_grok })),
    dropped,
  });
}

function recoveryOf(
  T0: number,
  Ts: readonly number[],
  iOne: number,
  Ls: readonly number[],
  L0: number,
): Outcome<{ T0: number; T1: number; T2: number; slowdown: number; recovery: number }> {
  const T1 = Ts[iOne]!;
  if (T1 === T0) return fail("T1 equals T0: the norm increase caused no slowdown to recover");
  const T2 = interpClamped(Ls, Ts, L0);
  if (!T2.ok) return fail(`T2: ${T2.reason}`);
  return ok({ T0, T1, T2: T2.value, slowdown: T1 / T0, recovery: (T1 - T2.value) / (T1 - T0) });
}
