// The detail tables of each experiment (E1-E9): the fits and statistics analyzeCells returned, and
// one row per cell with its seed counts, censoring and id, with the paper's per-cell numbers beside
// ours where the paper prints them (E7, E9). Builds Table data from the analysis' results; the
// headline comparisons are compare.ts's, the generic per-cell table tables.ts's.

import type { AnalysisReport } from "../analysis/analyze.js";
import type { Outcome } from "../analysis/outcome.js";
import type { CellRecord } from "../analysis/records.js";
import { forkArmName } from "../analysis/samestate.js";
import { armName } from "./compare.js";
import { fmt, fmtCI, fmtPct, fmtRange, fmtStepRange, fmtSteps, fmtX } from "./format.js";
import type { CellGroups } from "./groups.js";
import { PAPER, type ExpId } from "./paper.js";
import type { Entry, Table } from "./table.js";
import { cellTable } from "./tables.js";

const flat = <T>(m: Map<unknown, T[]>): T[] => [...m.values()].flat();
const reason = (o: Outcome<unknown> | undefined): string => (o && !o.ok ? o.reason : "");
const fitTable = (id: string, title: string, columns: string[], rows: Entry[][], notes: string[] = []): Table => ({
  id,
  title,
  columns,
  numeric: columns.map((_, j) => j > 0),
  rows,
  notes,
});

export function experimentTables(exp: ExpId, a: AnalysisReport, g: CellGroups): Table[] {
  const t = a.tables;
  switch (exp) {
    case "E1": {
      const fits = Object.entries(t.dose).map(([k, d]): Entry[] =>
        d.ok
          ? [k, String(d.value.n), fmt(d.value.alpha, 4), fmt(d.value.c, 3), fmt(d.value.r2, 3), fmtAic(d.value.fits.exponential.aic),
             fmtAicOf(d.value.fits.power), fmtAicOf(d.value.fits.saddle), d.value.best.ok ? d.value.best.value : d.value.best.reason]
          : [k, "—", "—", "—", "—", "—", "—", "—", `not fitted: ${d.reason}`],
      );
      const inFit = (r: { used: boolean; why: string | null }) => (r.used ? "yes" : `no: ${r.why ?? ""}`);
      const usedBy = new Map(Object.values(t.dose).flatMap((d) => (d.ok ? d.value.rows.map((r) => [r.id, inFit(r)] as const) : [])));
      return [
        fitTable("e1-fits", "E1 fits: ln T_grok = c + α·‖W‖ on the collapse-free cells, with AIC against the power-law and saddle-node forms",
          ["modulus", "cells in fit", "α", "c", "R²", "AIC exponential", "AIC power", "AIC saddle", "lowest AIC"], fits),
        cellTable("e1-cells", "E1 dose cells (clamp at ρ·w_c, CE, τ 1)", flat(g.doseClamp),
          ["p", "rho", "norm", "T_grok", "L", "seeds", "censored", "diverged", "last", "status"],
          [{ name: "in the fit", value: (s) => usedBy.get(s.cell.id) ?? "—" }]),
        cellTable("e1-free", "E1 free cells (weight-decay sweep, no clamp): shown in the dose figure, not fitted", flat(g.doseFree),
          ["p", "wd", "norm", "T_grok", "seeds", "censored", "diverged", "status"]),
      ];
    }
    case "E2":
    case "E4": {
      const loss = exp === "E2" ? "ce" : "mse";
      const meds = Object.entries(t.mediation).filter(([k]) => k.startsWith(`${loss}_`));
      const rows = meds.map(([k, m]): Entry[] =>
        m.ok
          ? [k, fmtSteps(m.value.T0), fmtSteps(m.value.T1), fmt(m.value.T2, 1), fmt(m.value.L0, 3), fmtX(m.value.slowdown), fmt(m.value.recovery, 3),
             m.value.ci.ok ? `${fmtCI([m.value.ci.value.lo, m.value.ci.value.hi])} (${m.value.ci.value.valid}/${m.value.ci.value.resamples} resamples)` : m.value.ci.reason]
          : [k, "—", "—", "—", "—", "—", "—", `not computed: ${m.reason}`],
      );
      const cells = [...g.mediation.values()].filter((m) => m.loss === loss).flatMap((m) => [...(m.base ? [m.base] : []), ...m.ups, ...m.ctrl]);
      const sweeps = Object.entries(t.tau_sweep).filter(([k]) => k.startsWith(`${loss}_`));
      const sweepRows = sweeps.map(([k, s]): Entry[] => [k, fmtRange(s.L_range, 3), fmtStepRange(s.T_mem_range), s.delayShare.ok ? fmtPct(s.delayShare.value) : s.delayShare.reason]);
      const title = loss === "ce" ? "E2 mediation (CE)" : "E4 mediation with MSE loss";
      return [
        fitTable(`${exp.toLowerCase()}-fits`, `${title}: T0, T1, T2 (T_grok at the baseline's L0 on the norm-up cells), recovery with its paired-bootstrap 95% interval`,
          ["group", "T0", "T1", "T2", "L0", "T1/T0", "recovery", "95% CI"], rows),
        fitTable(`${exp.toLowerCase()}-sweep`, `${title}: the τ sweep at ρ 1.15 (L range over counting cells, T_mem range, delay share of the T_grok change)`,
          ["group", "L range", "T_mem range", "delay share"], sweepRows),
        cellTable(`${exp.toLowerCase()}-cells`, `${title} cells (baseline ρ 1 τ 1; norm-up ρ 1.15 over τ; free controls)`, cells,
          ["p", "arm", "rho", "tau", "T_grok", "T_mem", "delay", "L", "norm", "seeds", "censored", "diverged", "last", "status"]),
      ];
    }
    case "E3": {
      const rows = Object.entries(t.collapse).map(([k, c]): Entry[] =>
        c.ok
          ? [k, String(c.value.n), fmt(c.value.r2L, 3), fmt(c.value.r2Rho, 3), fmt(c.value.r2Both, 3), fmt(c.value.dR2, 3), fmt(c.value.fits.L.coef[1], 4)]
          : [k, "—", "—", "—", "—", "—", `not fitted: ${c.reason}`],
      );
      return [
        fitTable("e3-fits", "E3 OLS of ln T_grok on L, on ρ, and on both (counting grid cells)", ["modulus", "cells", "R²(L)", "R²(ρ)", "R²(L, ρ)", "ΔR²", "slope on L"], rows),
        cellTable("e3-cells", "E3 grid cells (ρ × τ, CE)", flat(g.collapse), ["p", "rho", "tau", "T_grok", "T_mem", "L", "seeds", "censored", "diverged", "last", "status"]),
      ];
    }
    case "E5": {
      const rows = Object.entries(t.tau_sweep)
        .filter(([k]) => k.startsWith("ce_"))
        .map(([k, s]): Entry[] => {
          const up = s.rows.filter((r) => r.arm !== "base");
          return [k, fmtStepRange(s.T_mem_range), up.map((r) => fmtSteps(r.T_mem)).join(" → "), up.map((r) => fmtSteps(r.delay)).join(" → "),
            s.delayShare.ok ? fmtPct(s.delayShare.value) : s.delayShare.reason];
        });
      return [fitTable("e5-table", "E5 memorisation control: over the CE τ sweep at ρ 1.15 (τ ascending), T_mem and the delay, and the delay's share of the T_grok change",
        ["group", "T_mem range", "T_mem by τ", "delay by τ", "delay share"], rows, ["Cells: the E2 table above (arm up)."])];
    }
    case "E6": {
      const byId = new Map(t.audit.map((r) => [r.id, r]));
      const paper = (s: { cell: CellRecord }) => {
        const p = PAPER.audit.find((x) => Math.abs(x.rho - s.cell.rho) < 1e-9 && x.dtype === s.cell.dtype);
        return p ? (p.T_grok === null ? "no grok in 60k" : fmtSteps(p.T_grok)) : "—";
      };
      return [cellTable("e6-cells", "E6 float32 vs float64 audit cells", g.audit, ["p", "rho", "tau", "dtype", "T_grok", "seeds", "censored", "diverged", "last", "status"], [
        { name: "paper T_grok", numeric: true, value: paper },
        { name: "collapse rate at grok", numeric: true, value: (s) => fmt(byId.get(s.cell.id)?.collapse_at_grok, 3) },
        { name: "max collapse rate", numeric: true, value: (s) => fmt(byId.get(s.cell.id)?.collapse_max, 3) },
      ])];
    }
    case "E7": {
      const cells = [...g.transformer.values()].flatMap((m) => [...(m.base ? [m.base] : []), ...m.ups, ...m.ctrl]);
      const paperT = (s: { cell: CellRecord }) => {
        if (s.cell.p !== PAPER.transformer.p) return "—";
        if (s.cell.arm === "base") return fmtSteps(PAPER.transformer.baseline);
        const v = s.cell.arm === "up" ? PAPER.transformer.byTau[s.cell.tau] : undefined;
        return v === undefined ? "—" : fmtSteps(v);
      };
      return [cellTable("e7-cells", "E7 transformer (no LayerNorm) cells", cells, ["p", "arm", "rho", "tau", "T_grok", "T_mem", "L", "seeds", "censored", "diverged", "last", "status"],
        [{ name: "paper T_grok", numeric: true, value: paperT }], Object.entries(t.transformer).map(([k, v]) => `${k}: ${effectText(v.effect)}`))];
    }
    case "E8": {
      const notes = Object.entries(t.alloc).map(([k, s]) => (s.ok ? `${k}: swing ${fmtX(s.value.swing)} (slowest γ ${s.value.argmax}, fastest γ ${s.value.argmin})` : `${k}: ${reason(s)}`));
      return [cellTable("e8-cells", "E8 layer-allocation cells (ρ 1) and free controls", [...flat(g.alloc), ...flat(g.allocCtrl)],
        ["p", "arm", "gamma", "T_grok", "T_mem", "L", "seeds", "censored", "diverged", "last", "status"], [], notes)];
    }
    case "E9": {
      const delay = (s: { cell: CellRecord; T_grok: number | null }) => (s.T_grok !== null && s.cell.t_fork !== null ? fmtSteps(s.T_grok - s.cell.t_fork) : "—");
      const paperD = (s: { cell: CellRecord }) => {
        const v = PAPER.forks[s.cell.p]?.delays[forkArmName(s.cell.arm)];
        return v === undefined ? "—" : fmtSteps(v);
      };
      const notes = Object.entries(t.samestate).map(([k, f]) =>
        f.ok
          ? `${k}: raised/same ${fmt(f.value.ratio, 3)} ${intervalText(f.value.ci)}; monotone ${monotoneText(f.value.monotone)}`
          : `${k}: ${f.reason}`,
      );
      return [cellTable("e9-cells", "E9 forking arms (delay counted from the fork)", flat(g.samestate), ["p", "arm", "T_grok", "seeds", "censored", "diverged", "last", "status"], [
        { name: "fork step", numeric: true, value: (s) => fmtSteps(s.cell.t_fork) },
        { name: "delay from fork", numeric: true, value: delay },
        { name: "paper delay", numeric: true, value: paperD },
      ], notes)];
    }
  }
}

function effectText(e: Outcome<{ effect: number; tauLo: number; tauHi: number }>): string {
  return e.ok ? `effect ${fmtX(e.value.effect)} (τ ${e.value.tauLo} → ${e.value.tauHi})` : e.reason;
}

function intervalText(ci: Outcome<{ lo: number; hi: number }>): string {
  return ci.ok ? fmtCI([ci.value.lo, ci.value.hi]) : `(no interval: ${ci.reason})`;
}

function monotoneText(m: Outcome<{ count: number; of: number; arms: string[] }>): string {
  return m.ok ? `${m.value.count}/${m.value.of} seeds over ${m.value.arms.map(armName).join(" < ")}` : m.reason;
}

function fmtAic(v: number | null): string {
  return v === null ? "exact fit" : fmt(v, 2);
}

function fmtAicOf(o: Outcome<{ aic: number | null; w0AtBound: boolean }>): string {
  if (!o.ok) return `— (${o.reason})`;
  return `${fmtAic(o.value.aic)}${o.value.w0AtBound ? " (w0 at bound)" : ""}`;
}
