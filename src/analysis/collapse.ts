// E3 collapse grid for one (model, loss, modulus): OLS with intercept of ln T_grok on L (linear),
// on rho, and on both, over every grid cell that counts (half rule); R^2 of each and the increment
// from adding rho to L. L is each cell's logit scale at the step nearest its median T_grok.
// collapseOnL is the first of those fits alone (E10 reads it on cells with too few ρ for the rest).
// Not a test of significance; no bootstrap here.

import { summarizeCell, usable, type UsableCell } from "./cell-stats.js";
import { fail, ok, type Outcome } from "./outcome.js";
import type { CellRecord } from "./records.js";
import { olsWithIntercept, type OlsFit } from "./stats.js";

export interface CollapseRow {
  id: string;
  rho: number;
  tau: number;
  T_grok: number;
  L: number;
}

export interface CollapseResult {
  n: number;
  r2L: number;
  r2Rho: number;
  r2Both: number;
  dR2: number; // r2Both - r2L
  fits: { L: OlsFit; rho: OlsFit; both: OlsFit };
  rows: CollapseRow[];
  dropped: string[];
}

export interface CollapseOnL {
  n: number;
  r2L: number;
  fit: OlsFit;
  rows: CollapseRow[];
  dropped: string[];
}

/** The counting cells of a group, and the messages of those that do not count. */
function counting(cells: readonly CellRecord[]): { good: UsableCell[]; dropped: string[] } {
  const sums = cells.map(summarizeCell);
  return { good: sums.filter(usable), dropped: sums.filter((s) => !usable(s)).map((s) => s.dropped ?? s.cell.id) };
}

const rowsOf = (good: readonly UsableCell[]): CollapseRow[] =>
  good.map((s) => ({ id: s.cell.id, rho: s.cell.rho, tau: s.cell.tau, T_grok: s.T_grok, L: s.L }));
const why = (name: string, reason: string, n: number) => `collapse grid: ln T_grok ${name}: ${reason} (${n} counting cells)`;

/** ln T_grok on L alone over the counting cells: E3's first fit. */
export function collapseOnL(cells: readonly CellRecord[]): Outcome<CollapseOnL> {
  const { good, dropped } = counting(cells);
  const f = olsWithIntercept([good.map((s) => s.L)], good.map((s) => Math.log(s.T_grok)), ["L"]);
  if (!f.ok) return fail(why("on L", f.reason, good.length));
  return ok({ n: good.length, r2L: f.value.r2, fit: f.value, rows: rowsOf(good), dropped });
}

export function collapseGrid(cells: readonly CellRecord[]): Outcome<CollapseResult> {
  const { good, dropped } = counting(cells);
  const L = good.map((s) => s.L);
  const rho = good.map((s) => s.cell.rho);
  const y = good.map((s) => Math.log(s.T_grok));
  const fL = olsWithIntercept([L], y, ["L"]);
  const fR = olsWithIntercept([rho], y, ["rho"]);
  const fB = olsWithIntercept([L, rho], y, ["L", "rho"]);
  if (!fL.ok) return fail(why("on L", fL.reason, good.length));
  if (!fR.ok) return fail(why("on rho", fR.reason, good.length));
  if (!fB.ok) return fail(why("on L and rho", fB.reason, good.length));
  return ok({
    n: good.length,
    r2L: fL.value.r2,
    r2Rho: fR.value.r2,
    r2Both: fB.value.r2,
    dR2: fB.value.r2 - fL.value.r2,
    fits: { L: fL.value, rho: fR.value, both: fB.value },
    rows: rowsOf(good),
    dropped,
  });
}
