// Every published number of docs/study.md §7 as a Comparison: our value read from analyzeCells'
// results, the paper's from paper.ts, the ids of the cells behind ours (groups.ts) and, for numbers
// computed over several cells, the paper's design beside the cells we ran. One builder per
// experiment. No statistics are computed here (they are the analysis'), and no verdicts
// (compare.ts) or prose (differ.ts, causes.ts).

import type { AnalysisReport } from "../analysis/analyze.js";
import type { CellRecord } from "../analysis/records.js";
import type { Outcome } from "../analysis/outcome.js";
import { forkArmName } from "../analysis/samestate.js";
import { armName, type Comparison } from "./compare.js";
import { fmt, fmtCI, fmtPct, fmtRange, fmtSteps, fmtX } from "./format.js";
import { atTau, idsOf, type CellGroups } from "./groups.js";
import { PAPER, PAPER_DESIGN, paperSeeds, type DesignDim, type DesignPoint, type Interval, type PaperNumber } from "./paper.js";

type Draft = Omit<Comparison, "paperSeeds" | "oursCI" | "paperCI" | "missing"> & Partial<Comparison>;
type Add = (c: Draft) => void;
type Tables = AnalysisReport["tables"];

const val = <T, R>(o: Outcome<T> | undefined, f: (v: T) => R): R | null => (o && o.ok ? f(o.value) : null);
const why = (o: Outcome<unknown> | undefined, none: string): string | null => (o === undefined ? none : o.ok ? null : o.reason);
const ciOf = (o: Outcome<{ lo: number; hi: number }>): Interval | null => (o.ok ? [o.value.lo, o.value.hi] : null);
const pn = (n: PaperNumber) => n.exact ?? n.value;
const pci = (n: PaperNumber) => n.ciExact ?? n.ci ?? null;
const shown = (n: PaperNumber, f: (x: number) => string) => `${f(n.value)}${n.ci ? ` ${fmtCI(n.ci, 2)}` : ""}`;

/** The paper's cells behind a number (points on dims) beside every cell of ours that it rests on. */
function design(dims: DesignDim[], paper: DesignPoint[], role: string, ran: readonly (CellRecord | null | undefined)[]): Comparison["design"] {
  return { dims, paper, role, ran: idsOf(ran) };
}

const rhoTau = (pairs: ReadonlyArray<readonly [number, number]>): DesignPoint[] => pairs.map(([rho, tau]) => ({ rho, tau }));
const upSweep = (taus: readonly number[]) => taus.map((tau) => [PAPER_DESIGN.upRho, tau] as const);

/** Moduli present in our results (keys "<prefix><p>") or in the paper's, ascending. */
function moduli(rec: Record<string, unknown>, prefix: string, paper: object): number[] {
  const ours = Object.keys(rec)
    .filter((k) => k.startsWith(prefix) && /^\d+$/.test(k.slice(prefix.length)))
    .map((k) => Number(k.slice(prefix.length)));
  return [...new Set([...ours, ...Object.keys(paper).map(Number)])].sort((a, b) => a - b);
}

/** Every published number with ours beside it, in experiment order. */
export function buildComparisons(a: AnalysisReport, g: CellGroups): Comparison[] {
  const out: Comparison[] = [];
  const add: Add = (c) => out.push({ oursCI: null, paperCI: null, missing: null, paperSeeds: paperSeeds(c.exp, c.p ?? undefined), ...c });
  const t = a.tables;
  doseLaw(t, g, add);
  mediation(t, g, add);
  collapse(t, g, add);
  mse(t, g, add);
  memorisation(t, g, add);
  audit(t, add);
  transformer(t, g, add);
  allocation(t, g, add);
  forks(t, g, add);
  return out;
}

function doseLaw(t: Tables, g: CellGroups, add: Add): void {
  for (const p of moduli(t.dose, "p", PAPER.alpha)) {
    const d = t.dose[`p${p}`];
    const used = d && d.ok ? d.value.rows.filter((r) => r.used).map((r) => r.id) : idsOf(g.doseClamp.get(p) ?? []);
    const inRange = (rho: number) => rho <= PAPER_DESIGN.doseRhoMax + 1e-9;
    const dz = design(
      ["rho"],
      PAPER_DESIGN.doseRhos(p).filter(inRange).map((rho) => ({ rho })),
      "α and R² come from a fit of ln T_grok on ‖W‖ over the collapse-free cells (ρ ≤ 1.15)",
      (g.doseClamp.get(p) ?? []).filter((c) => inRange(c.rho)),
    );
    const base = { exp: "E1" as const, p, cellIds: used, missing: why(d, "no dose cells at this modulus"), design: dz };
    const pa = PAPER.alpha[p];
    add({
      ...base,
      id: `E1.alpha.p${p}`,
      quantity: `α (p${p})`,
      kind: "alpha",
      ours: val(d, (v) => v.alpha),
      paper: pa ? pn(pa) : null,
      paperShown: pa ? `${fmt(pa.value, 3)}${p === 43 ? " (paper-data README)" : ""}` : "—",
    });
    const r2 = PAPER.alphaR2Range;
    add({ ...base, id: `E1.r2.p${p}`, quantity: `R² of the fit (p${p})`, kind: "r2", ours: val(d, (v) => v.r2), paper: r2, paperShown: fmtRange(r2) });
  }
}

function mediation(t: Tables, g: CellGroups, add: Add): void {
  for (const p of moduli(t.mediation, "ce_p", PAPER.mediation)) {
    const m = t.mediation[`ce_p${p}`];
    const grp = g.mediation.get(`ce_p${p}`);
    const pm = PAPER.mediation[p];
    const up1 = grp ? atTau(grp.ups, 1) : null;
    const base = { exp: "E2" as const, p, missing: why(m, "no CE mediation cells at this modulus") };
    add({ ...base, id: `E2.T0.p${p}`, quantity: `T0 baseline (p${p})`, kind: "steps", ours: val(m, (v) => v.T0), paper: pm?.T0 ?? null, paperShown: fmtSteps(pm?.T0), cellIds: idsOf([grp?.base]) });
    add({ ...base, id: `E2.T1.p${p}`, quantity: `T1 norm-up, τ 1 (p${p})`, kind: "steps", ours: val(m, (v) => v.T1), paper: pm?.T1 ?? null, paperShown: fmtSteps(pm?.T1), cellIds: idsOf([up1]) });
    add({
      ...base,
      id: `E2.slowdown.p${p}`,
      quantity: `slowdown T1/T0 (p${p})`,
      kind: "ratio",
      ours: val(m, (v) => v.slowdown),
      paper: pm?.slowdown ?? null,
      paperShown: fmtX(pm?.slowdown),
      cellIds: idsOf([grp?.base, up1]),
    });
    add({
      ...base,
      id: `E2.recovery.p${p}`,
      quantity: `recovery (p${p})`,
      kind: "recovery",
      ours: val(m, (v) => v.recovery),
      oursCI: m && m.ok ? ciOf(m.value.ci) : null,
      paper: pm ? pn(pm.recovery) : null,
      paperCI: pm ? pci(pm.recovery) : null,
      paperShown: pm ? shown(pm.recovery, (x) => fmt(x, 2)) : "—",
      cellIds: idsOf(grp ? [grp.base, ...grp.ups] : []),
      design: design(
        ["rho", "tau"],
        rhoTau([[1, 1], ...upSweep(PAPER_DESIGN.mediationTaus)]),
        "T2 is interpolated between the norm-up cells' (L, T_grok) points, one per τ run",
        grp ? [grp.base, ...grp.ups] : [],
      ),
    });
  }
}

function collapse(t: Tables, g: CellGroups, add: Add): void {
  for (const p of moduli(t.collapse, "p", PAPER.collapse)) {
    const c = t.collapse[`p${p}`];
    const pc = PAPER.collapse[p];
    const base = {
      exp: "E3" as const,
      p,
      kind: "r2" as const,
      cellIds: c && c.ok ? c.value.rows.map((r) => r.id) : idsOf(g.collapse.get(p) ?? []),
      missing: why(c, "no collapse-grid cells at this modulus"),
      design: design(
        ["rho", "tau"],
        PAPER_DESIGN.gridRhos.flatMap((rho) => PAPER_DESIGN.gridTaus.map((tau) => ({ rho, tau }))),
        "R²(L), R²(ρ) and ΔR² are fits of ln T_grok over the grid's cells",
        g.collapse.get(p) ?? [],
      ),
    };
    add({ ...base, id: `E3.r2L.p${p}`, quantity: `R²(L) (p${p})`, ours: val(c, (v) => v.r2L), paper: pc?.r2L ?? null, paperShown: fmt(pc?.r2L, 3) });
    add({ ...base, id: `E3.r2Rho.p${p}`, quantity: `R²(ρ) (p${p})`, ours: val(c, (v) => v.r2Rho), paper: pc?.r2Rho ?? null, paperShown: fmt(pc?.r2Rho, 2) });
    add({ ...base, id: `E3.dR2.p${p}`, quantity: `ΔR² adding ρ to L (p${p})`, kind: "dr2", ours: val(c, (v) => v.dR2), paper: pc?.dR2 ?? null, paperShown: fmt(pc?.dR2, 3) });
  }
}

function mse(t: Tables, g: CellGroups, add: Add): void {
  for (const p of moduli(t.mediation, "mse_p", PAPER.mseSlowdown)) {
    const m = t.mediation[`mse_p${p}`];
    const grp = g.mediation.get(`mse_p${p}`);
    const none = "no MSE mediation cells at this modulus";
    const ps = PAPER.mseSlowdown[p];
    add({
      exp: "E4",
      p,
      id: `E4.slowdown.p${p}`,
      quantity: `MSE slowdown T1/T0 (p${p})`,
      kind: "ratio",
      ours: val(m, (v) => v.slowdown),
      paper: ps ?? null,
      paperShown: fmtX(ps),
      cellIds: idsOf([grp?.base, grp ? atTau(grp.ups, 1) : null]),
      missing: why(m, none),
    });
    const ts = t.tau_sweep[`mse_p${p}`];
    add({
      exp: "E4",
      p,
      id: `E4.memShare.p${p}`,
      quantity: `share of the τ effect on T_mem (MSE, p${p})`,
      kind: "share",
      ours: ts && ts.delayShare.ok ? 1 - ts.delayShare.value : null,
      paper: null,
      paperShown: p === 97 ? "“much of the τ effect lands on T_mem”" : "—",
      cellIds: idsOf(grp?.ups ?? []),
      missing: ts ? (ts.delayShare.ok ? null : ts.delayShare.reason) : none,
      design: endsDesign(grp?.ups ?? [], PAPER_DESIGN.mediationTaus, "the share compares the norm-up sweep's lowest and highest τ"),
    });
  }
  const ranges = Object.entries(t.tau_sweep)
    .filter(([k]) => k.startsWith("mse_"))
    .map(([, v]) => v.L_range)
    .filter((r): r is [number, number] => r !== null);
  add({
    exp: "E4",
    p: null,
    id: "E4.Lrange",
    quantity: "L across τ, all MSE cells",
    kind: "scale",
    ours: ranges.length ? [Math.min(...ranges.map((r) => r[0])), Math.max(...ranges.map((r) => r[1]))] : null,
    paper: PAPER.mseLRange,
    paperShown: fmtRange(PAPER.mseLRange),
    cellIds: idsOf([...g.mediation.values()].filter((m) => m.loss === "mse").flatMap((m) => [m.base, ...m.ups])),
    missing: ranges.length ? null : "no counting MSE mediation cells",
    design: design(
      ["p", "rho", "tau"],
      [59, 97].flatMap((p) => [{ p, rho: 1, tau: 1 }, ...PAPER_DESIGN.mediationTaus.map((tau) => ({ p, rho: PAPER_DESIGN.upRho, tau }))]),
      "the range runs over every MSE cell of both moduli",
      [...g.mediation.values()].filter((m) => m.loss === "mse").flatMap((m) => [m.base, ...m.ups]),
    ),
  });
}

function memorisation(t: Tables, g: CellGroups, add: Add): void {
  for (const p of moduli(t.tau_sweep, "ce_p", PAPER.memDelayShare)) {
    const ts = t.tau_sweep[`ce_p${p}`];
    const ups = g.mediation.get(`ce_p${p}`)?.ups ?? [];
    const base = { exp: "E5" as const, p, cellIds: idsOf(ups) };
    const none = "no CE mediation cells at this modulus";
    const pr = PAPER.memTMemRange[p];
    add({
      ...base,
      id: `E5.Tmem.p${p}`,
      quantity: `T_mem across τ, norm-up cells (p${p})`,
      kind: "steps",
      ours: ts?.T_mem_range ?? null,
      paper: pr ?? null,
      paperShown: pr ? `${pr[0]} → ${pr[1]}` : "—",
      design: tauDesign(ups, "the range runs over every cell of the norm-up sweep"),
      missing: ts ? (ts.T_mem_range ? null : "no norm-up cell memorised") : none,
    });
    const pd = PAPER.memDelayShare[p];
    add({
      ...base,
      id: `E5.delayShare.p${p}`,
      quantity: `share of the T_grok change carried by the delay (p${p})`,
      kind: "share",
      ours: ts && ts.delayShare.ok ? ts.delayShare.value : null,
      paper: pd ?? null,
      paperShown: fmtPct(pd),
      design: endsDesign(ups, PAPER_DESIGN.mediationTaus, "the share compares the norm-up sweep's lowest and highest τ"),
      missing: ts ? (ts.delayShare.ok ? null : ts.delayShare.reason) : none,
    });
  }
}

function audit(t: Tables, add: Add): void {
  for (const pa of PAPER.audit) {
    // the paper's audit is at p59; ours may be at another modulus (the nearest is taken)
    const rows = t.audit.filter((r) => Math.abs(r.rho - pa.rho) < 1e-9 && r.dtype === pa.dtype);
    const r = rows.sort((x, y) => Math.abs(x.p - 59) - Math.abs(y.p - 59))[0];
    const q = `ρ ${pa.rho} ${pa.dtype === "f32" ? "float32" : "float64"}`;
    const none = "no audit cell with this ρ and precision";
    const base = {
      exp: "E6" as const,
      p: r?.p ?? null,
      cellIds: r ? [r.id] : [],
      design: r
        ? { dims: ["p", "rho", "dtype"] as DesignDim[], paper: [{ p: 59, rho: pa.rho, dtype: pa.dtype }], role: "the audit's numbers belong to its one cell", ran: [r.id] }
        : undefined,
    };
    add({
      ...base,
      id: `E6.T.${pa.rho}.${pa.dtype}`,
      quantity: `T_grok, ${q}`,
      kind: "steps",
      ours: r?.T_grok ?? null,
      paper: pa.T_grok,
      paperShown: pa.T_grok === null ? `no grok within ${PAPER.auditBudget / 1000}k` : `${(pa.T_grok / 1000).toFixed(2)}k`,
      noGrok: pa.T_grok === null,
      missing: r ? (r.T_grok === null ? r.dropped : null) : none,
    });
    if (pa.collapse === null) continue;
    // the paper's audit: each seed's largest rate over the run, averaged over the seeds (audit.ts)
    const cr = r ? r.collapse_max : null;
    add({
      ...base,
      id: `E6.collapse.${pa.rho}.${pa.dtype}`,
      quantity: `collapse rate, ${q}`,
      kind: "share",
      ours: cr,
      paper: pa.collapse,
      paperShown: fmt(pa.collapse, 2),
      missing: r ? (cr === null ? "no collapse rate logged" : null) : none,
    });
  }
}

function transformer(t: Tables, g: CellGroups, add: Add): void {
  const tp = PAPER.transformer;
  const eff = t.transformer[`p${tp.p}`]?.effect;
  const tg = g.transformer.get(tp.p);
  const missing = why(eff, `no transformer cells at p${tp.p}`);
  const base = { exp: "E7" as const, p: tp.p };
  add({
    ...base,
    id: "E7.baseline",
    quantity: `baseline T_grok (p${tp.p})`,
    kind: "steps",
    ours: val(eff, (v) => v.baseline_T_grok),
    paper: tp.baseline,
    paperShown: fmtSteps(tp.baseline),
    cellIds: idsOf([tg?.base]),
    missing,
  });
  for (const [tau, T] of Object.entries(tp.byTau).sort((x, y) => Number(x[0]) - Number(y[0]))) {
    const row = eff && eff.ok ? eff.value.rows.find((r) => Math.abs(r.tau - Number(tau)) < 1e-9) : undefined;
    add({
      ...base,
      id: `E7.T.tau${tau}`,
      quantity: `T_grok at ρ 1.15, τ ${tau}`,
      kind: "steps",
      ours: row?.T_grok ?? null,
      paper: T,
      paperShown: fmtSteps(T),
      cellIds: idsOf([tg ? atTau(tg.ups, Number(tau)) : null]),
      missing: row ? row.dropped : missing ?? `no cell at τ ${tau}`,
    });
  }
  add({
    ...base,
    id: "E7.effect",
    quantity: "T_grok(τ lowest) / T_grok(τ highest)",
    kind: "ratio",
    ours: val(eff, (v) => v.effect),
    paper: tp.effect,
    paperShown: fmtX(tp.effect, 1),
    cellIds: idsOf(tg?.ups ?? []),
    missing,
    design: endsDesign(tg?.ups ?? [], PAPER_DESIGN.transformerTaus, "the effect is T_grok at the lowest τ over T_grok at the highest"),
  });
}

function allocation(t: Tables, g: CellGroups, add: Add): void {
  for (const p of moduli(t.alloc, "p", PAPER.allocSwing)) {
    const s = t.alloc[`p${p}`];
    const ps = PAPER.allocSwing[p];
    add({
      exp: "E8",
      p,
      id: `E8.swing.p${p}`,
      quantity: `T_grok swing over γ (p${p})`,
      kind: "ratio",
      ours: val(s, (v) => v.swing),
      paper: ps ? pn(ps) : null,
      paperShown: ps ? fmtX(ps.value, 1) : "—",
      cellIds: idsOf(g.alloc.get(p) ?? []),
      missing: why(s, "no allocation cells at this modulus"),
      design: design(
        ["gamma"],
        PAPER_DESIGN.allocGammas.map((gamma) => ({ gamma })),
        "the swing is the largest over the smallest T_grok across the γ cells",
        g.alloc.get(p) ?? [],
      ),
    });
  }
}

function forks(t: Tables, g: CellGroups, add: Add): void {
  for (const p of moduli(t.samestate, "p", PAPER.forks)) {
    const f = t.samestate[`p${p}`];
    const pf = PAPER.forks[p];
    const cells = g.samestate.get(p) ?? [];
    const missing = why(f, "no forking-arm cells at this modulus");
    const of = (arms: string[]) => idsOf(cells.filter((c) => arms.includes(forkArmName(c.arm))));
    for (const arm of ["clamp_lowered", "free", "clamp_same", "clamp_raised"]) {
      const row = f && f.ok ? f.value.arms.find((r) => r.arm === arm) : undefined;
      const pd = pf?.delays[arm];
      add({
        exp: "E9",
        p,
        id: `E9.delay.${arm}.p${p}`,
        quantity: `delay from the fork, ${armName(arm)} (p${p})`,
        kind: "steps",
        ours: row?.delay ?? null,
        paper: pd ?? null,
        paperShown: fmtSteps(pd),
        cellIds: of([arm]),
        missing: row ? row.dropped : missing ?? `no ${arm} arm`,
      });
    }
    add({
      exp: "E9",
      p,
      id: `E9.ratio.p${p}`,
      quantity: `raised/same delay ratio (p${p})`,
      kind: "ratio",
      ours: val(f, (v) => v.ratio),
      oursCI: f && f.ok ? ciOf(f.value.ci) : null,
      paper: pf ? pn(pf.ratio) : null,
      paperCI: pf ? pci(pf.ratio) : null,
      paperShown: pf ? shown(pf.ratio, (x) => fmtX(x)) : "—",
      cellIds: of(["clamp_raised", "clamp_same"]),
      missing,
    });
    const mono = f && f.ok && f.value.monotone.ok ? f.value.monotone.value : null;
    add({
      exp: "E9",
      p,
      id: `E9.monotone.p${p}`,
      quantity: `seeds with monotone arm ordering (p${p})`,
      kind: "count",
      ours: mono ? mono.count / mono.of : null,
      paper: pf ? pf.monotone[0] / pf.monotone[1] : null,
      paperShown: pf ? `${pf.monotone[0]}/${pf.monotone[1]}` : "—",
      cellIds: idsOf(cells),
      missing: f && f.ok && !f.value.monotone.ok ? f.value.monotone.reason : missing,
      design: design(["arm"], PAPER_DESIGN.forkArms.map((arm) => ({ arm })), "the ordering is counted over the four arms", cells),
    });
  }
}

/** The paper's norm-up τ sweep (ρ 1.15) beside our norm-up cells. */
function tauDesign(ups: readonly CellRecord[], role: string): Comparison["design"] {
  return design(["tau"], PAPER_DESIGN.mediationTaus.map((tau) => ({ tau })), role, ups);
}

/** For a number that compares a sweep's two ends: the paper's lowest and highest τ beside ours. */
function endsDesign(ups: readonly CellRecord[], paperTaus: readonly number[], role: string): Comparison["design"] {
  const taus = ups.map((c) => c.tau);
  const ends = ups.filter((c) => c.tau === Math.min(...taus) || c.tau === Math.max(...taus));
  const lo = Math.min(...paperTaus);
  const hi = Math.max(...paperTaus);
  return design(["tau"], [{ tau: lo }, { tau: hi }], role, ends);
}
