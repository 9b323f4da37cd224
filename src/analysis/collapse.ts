// E3 collapse grid for one (model, loss, modulus): OLS with intercept of ln T_grok on L (linear),
// on rho, and on both, over every grid cell that counts (half rule); R^2 of each and the increment
// from adding rho to L. L is each cell's logit scale at the step nearest its median T_grok.
// Not a test of significance; no bootstrap here.

import { summarizeCell, usable } from "./cell-stats.js";
import { fail, ok, type Outcome } from "./outcome.js";
import type { CellRecord } from "./records.js";
import { olsWithIntercept, type OlsFit } from "./stats.js";

export interface CollapseResult {
  n: number;
  r2L: number;
  r2Rho: number;
  r2Both: number;
  dR2: number; // r2Both - r2L
  fits: { L: OlsFit; rho: OlsFit; both: OlsFit };
  rows: Array<{ id: string; rho: number; tau: number; T_grok: number; L: number }>;
  dropped: string[];
}

export function collapseGrid(cells: readonly CellRecord[]): Outcome<CollapseResult> {
  const sums = cells.map(summarizeCell);
  const good = sums.filter(usable);
  const dropped = sums.filter((s) => !usable(s)).map((s) => s.dropped ?? s.cell.id);
  const L = good.map((s) => s.L);
  const rho = good.map((s) => s.cell.rho);
  const y = good.map((s) => Math.log(s.T_grok));
  const fL = olsWithIntercept([L], y, ["L"]);
  const fR = olsWithIntercept([rho], y, ["rho"]);
  const fB = olsWithIntercept([L, rho], y, ["L", "rho"]);
  const why = (name: string, reason: string) => `collapse grid: ln T_grok ${name}: ${reason} (${good.length} counting cells)`;
  if (!fL.ok) return fail(why("on L", fL.reason));
  if (!fR.ok) return fail(why("on rho", fR.reason));
  if (!fB.ok) return fail(why("on L and rho", fB.reason));
  return ok({
    n: good.length,
    r2L: fL.value.r2,
    r2Rho: fR.value.r2,
    r2Both: fB.value.r2,
    dR2: fB.value.r2 - fL.value.r2,
    fits: { L: fL.value, rho: fR.value, both: fB.value },
    rows: good.map((s) => ({ id: s.cell.id, rho: s.cell.rho, tau: s.cell.tau, T_grok: s.T_grok, L: s.L })),
    dropped,
  });
}
