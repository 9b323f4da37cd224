// The closing sentences of the E10 and E11 sections (docs/study.md §11), generated from the numbers
// by fixed rules: whether each cure's recovery interval overlaps plain CE's and the paper's, how the
// slowdown and ln T_grok-on-L's R² compare, and how R²(L), ΔR² and the recovery move when the learning
// rate is scaled by ρ. The rules state comparisons; they draw no conclusion the numbers do not carry.

import type { AnalysisReport } from "../analysis/analyze.js";
import type { BootstrapInterval } from "../analysis/bootstrap.js";
import type { CureResult } from "../analysis/cures.js";
import type { MediationResult } from "../analysis/mediation.js";
import type { Outcome } from "../analysis/outcome.js";
import { fmt, fmtCI, fmtSigned, fmtX } from "./format.js";
import { PAPER, type Interval } from "./paper.js";

export const CURE_NAME: Record<string, string> = { ce: "plain CE", stablemax: "StableMax", orthograd: "CE with ⊥Grad" };

const ciOf = (ci: Outcome<BootstrapInterval>): Interval | null => (ci.ok ? [ci.value.lo, ci.value.hi] : null);
const ciText = (ci: Outcome<BootstrapInterval>): string => (ci.ok ? fmtCI([ci.value.lo, ci.value.hi]) : `(no interval: ${ci.reason})`);

/** How interval a sits against b: overlapping, or wholly above or below it. */
export function relation(a: Interval, b: Interval): "overlaps" | "lies above" | "lies below" {
  if (a[0] > b[1]) return "lies above";
  if (a[1] < b[0]) return "lies below";
  return "overlaps";
}

function against(name: string, ours: Interval | null, theirs: Interval | null, digits = 3): string | null {
  if (ours === null || theirs === null) return null;
  const r = relation(ours, theirs);
  const t = fmtCI(theirs, digits);
  return r === "overlaps" ? `overlaps ${name}'s ${t}` : `${r} ${name}'s ${t} without overlap`;
}

function recoveryLine(name: string, m: Outcome<MediationResult>, ce: Outcome<MediationResult> | undefined, p: number): string {
  if (!m.ok) return `${name}: no recovery fraction (${m.reason}).`;
  const v = m.value;
  const ceV = ce?.ok ? ce.value : null;
  const paper = PAPER.mediation[p];
  const slows = v.slowdown > 1;
  const others = (ceV && name !== CURE_NAME["ce"] ? `, plain CE here ${fmtX(ceV.slowdown)}` : "") + (paper ? `, the paper's CE ${fmtX(paper.slowdown)}` : "");
  const slow = slows ? `the norm increase slows grokking ${fmtX(v.slowdown)} (T1/T0${others})` : `the norm increase does not slow grokking (T1/T0 ${fmtX(v.slowdown)}${others})`;
  const ci = ciOf(v.ci);
  const parts = [
    ...(name !== CURE_NAME["ce"] ? [against("plain CE", ci, ceV ? ciOf(ceV.ci) : null)] : []),
    // compared with the interval as the paper prints it (two decimals)
    against("the paper's CE", ci, paper?.recovery.ci ? ([...paper.recovery.ci] as Interval) : null, 2),
  ].filter((x): x is string => x !== null);
  const rec = !slows
    ? `with no slowdown to recover, the recovery formula's ${fmt(v.recovery, 3)} ${ciText(v.ci)} does not measure a recovery`
    : v.recovery < 0
      ? `temperature does not bring T_grok back toward T0: at L0 the norm-up cells give T2 ${fmt(v.T2, 1)}, above T1, a recovery of ${fmt(v.recovery, 3)} ${ciText(v.ci)}`
      : `temperature recovers ${fmt(v.recovery, 3)} of it ${ciText(v.ci)}`;
  return `${name}: ${slow}; ${rec}${slows && parts.length ? `; the interval ${parts.join(" and ")}` : ""}.`;
}

function collapseLine(name: string, r: CureResult, ce: CureResult | undefined): string {
  if (!r.onL.ok) return `${name}: no fit of ln T_grok on L (${r.onL.reason}).`;
  const o = r.onL.value;
  const slope = o.fit.coef[1]!;
  const ceR2 = ce && ce !== r && ce.onL.ok ? ce.onL.value.r2L : null;
  const cmp = ceR2 === null ? "" : `, ${o.r2L >= ceR2 ? "at or above" : "below"} plain CE's ${fmt(ceR2, 3)}`;
  return `${name}: ln T_grok on L over its ${o.n} counting cells has R² ${fmt(o.r2L, 3)}${cmp}, slope ${fmt(slope, 3)} per unit of L (${slope > 0 ? "a larger L, a later grok" : "not increasing in L"}).`;
}

/** E10's sentences at each modulus: per cure, the recovery against plain CE and the paper, then the fit on L. */
export function curesFindings(a: AnalysisReport): string[] {
  const out: string[] = [];
  const ps = [...new Set(Object.values(a.tables.cures).map((r) => r.p))].sort((x, y) => x - y);
  for (const p of ps) {
    const of = (cure: string) => a.tables.cures[`${cure}_p${p}`];
    const ce = of("ce");
    for (const cure of ["ce", "stablemax", "orthograd"]) {
      const r = of(cure);
      if (!r) continue;
      out.push(`p${p} ${recoveryLine(CURE_NAME[cure]!, r.recovery, ce?.recovery, p)}`);
      out.push(`p${p} ${collapseLine(CURE_NAME[cure]!, r, ce)}`);
    }
  }
  return out;
}

/** E11's sentences at each modulus: R²(L), ΔR² and the recovery with the learning rate scaled by ρ against the plain grid. */
export function optimiserFindings(a: AnalysisReport): string[] {
  const out: string[] = [];
  const ps = [...new Set(Object.values(a.tables.optimiser).map((r) => r.p))].sort((x, y) => x - y);
  for (const p of ps) {
    const grid = a.tables.optimiser[`grid_p${p}`];
    const lr = a.tables.optimiser[`grid-lr_p${p}`];
    if (!grid || !lr) {
      out.push(`p${p}: only the ${grid ? "plain" : "lr·ρ"} arm has cells, so the arms cannot be compared.`);
      continue;
    }
    if (!grid.grid.ok || !lr.grid.ok) {
      out.push(`p${p}: the grid fits are missing (${[grid.grid, lr.grid].map((g) => (g.ok ? "" : g.reason)).filter(Boolean).join("; ")}).`);
    } else {
      const g = grid.grid.value;
      const l = lr.grid.value;
      const d = l.dR2 - g.dR2;
      const share = g.dR2 > 0 ? ` (${d <= 0 ? `${fmt((100 * -d) / g.dR2, 0)}% of the plain grid's ΔR² gone` : "ΔR² is larger with lr·ρ than without"})` : "";
      out.push(
        `p${p}: scaling the learning rate by ρ takes R²(L) from ${fmt(g.r2L, 3)} to ${fmt(l.r2L, 3)} and ΔR² (adding ρ to L) from ${fmt(g.dR2, 3)} to ${fmt(l.dR2, 3)}, ` +
          `a change of ${fmtSigned(d)}${share}; R²(ρ) goes from ${fmt(g.r2Rho, 3)} to ${fmt(l.r2Rho, 3)}.`,
      );
    }
    if (!grid.recovery.ok || !lr.recovery.ok) {
      out.push(`p${p}: the recovery fractions are missing (${[grid.recovery, lr.recovery].map((r) => (r.ok ? "" : r.reason)).filter(Boolean).join("; ")}).`);
    } else {
      const g = grid.recovery.value;
      const l = lr.recovery.value;
      const rel = against("the plain grid", ciOf(l.ci), ciOf(g.ci));
      out.push(
        `p${p}: the recovery fraction is ${fmt(g.recovery, 3)} ${ciText(g.ci)} on the plain grid and ${fmt(l.recovery, 3)} ${ciText(l.ci)} with lr·ρ` +
          `${rel ? `; the lr·ρ interval ${rel}` : ""}; the slowdown T1/T0 is ${fmtX(g.slowdown)} and ${fmtX(l.slowdown)}.`,
      );
    }
  }
  return out;
}
