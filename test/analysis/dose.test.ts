// Tests for the E1 dose law: the exponential fit on hand-computed points, the collapse-free cell
// rule (half rule, rho <= 1.15, cut at the first L jump above 2.5x), recovery of known power-law
// and saddle-node parameters, and messages for degenerate inputs (one cell, equal norms).
import { describe, expect, it } from "vitest";
import { fitPower, fitSaddle } from "../../src/analysis/dose-forms.js";
import { doseLaw } from "../../src/analysis/dose.js";
import type { CellRecord } from "../../src/analysis/records.js";
import { cell, seeds } from "./fixtures.js";

/** A dose clamp cell with all seeds at T_grok t and norm w; L constant. */
function dc(rho: number, t: number | null, w: number, L: number, n = 3): CellRecord {
  const tg = Array.from({ length: n }, () => t);
  return cell({ id: `dose/rho${rho}`, experiment: "dose", arm: "clamp", rho, L, seeds: seeds(tg, undefined, tg.map(() => w)) });
}

describe("doseLaw", () => {
  it("fits ln T = c + alpha*W: W 1 2 3 with ln T 0 1 3 gives alpha 1.5, R^2 27/28, AIC 3 ln(1/18) + 4", () => {
    const r = doseLaw([dc(0.9, Math.exp(0), 1, 10), dc(1.0, Math.exp(1), 2, 11), dc(1.1, Math.exp(3), 3, 12)]);
    if (!r.ok) throw new Error(r.reason);
    expect(r.value.n).toBe(3);
    expect(r.value.alpha).toBeCloseTo(1.5, 12);
    expect(r.value.c).toBeCloseTo(-5 / 3, 12);
    expect(r.value.r2).toBeCloseTo(27 / 28, 12);
    expect(r.value.fits.exponential.aic).toBeCloseTo(3 * Math.log(1 / 18) + 4, 10);
    expect(r.value.fits.power).toMatchObject({ ok: false }); // 3 parameters need 4 cells
  });

  it("keeps only collapse-free cells: half rule, rho <= 1.15, cut at the first L jump > 2.5x", () => {
    const cells = [
      dc(0.85, null, 40, 9), // fails the half rule
      dc(0.9, 100, 45, 10),
      dc(0.95, 150, 47, 12),
      dc(1.0, 260, 50, 14),
      dc(1.05, 400, 52, 40), // 40 / 14 > 2.5: the jump; this and every later cell are out
      dc(1.1, 700, 55, 41),
      dc(1.2, 900, 60, 42),
    ];
    const r = doseLaw(cells);
    if (!r.ok) throw new Error(r.reason);
    expect(r.value.rows.filter((x) => x.used).map((x) => x.rho)).toEqual([0.9, 0.95, 1.0]);
    const why = Object.fromEntries(r.value.rows.map((x) => [x.rho, x.why]));
    expect(why[0.85]).toMatch(/only 0 of 3|no seed grokked/);
    expect(why[1.05]).toMatch(/L jump \(rho 1.05/);
    expect(why[1.2]).toMatch(/L jump/);
  });

  it("a jump of exactly 2.5x does not cut; rho above 1.15 is out even without a jump", () => {
    const r = doseLaw([dc(1.0, 100, 50, 10), dc(1.05, 150, 52, 25), dc(1.1, 230, 55, 26), dc(1.15, 300, 57, 27), dc(1.2, 500, 60, 28)]);
    if (!r.ok) throw new Error(r.reason);
    expect(r.value.rows.map((x) => x.used)).toEqual([true, true, true, true, false]);
    expect(r.value.rows[4]!.why).toBe("rho 1.2 > 1.15");
  });

  it("uses the median norm at grok over grokked seeds", () => {
    const c = cell({
      experiment: "dose",
      arm: "clamp",
      seeds: seeds([100, 120, null, 140], undefined, [50, 52, null, 58]),
    });
    const r = doseLaw([c, dc(1.1, 200, 60, 10), dc(1.15, 300, 70, 10)]);
    if (!r.ok) throw new Error(r.reason);
    expect(r.value.rows[0]!.norm).toBe(52);
  });

  it("gives a message for one cell and for cells with the same norm", () => {
    expect(doseLaw([dc(1, 100, 50, 10)])).toEqual({ ok: false, reason: "dose law p59: a fit with 2 parameters needs at least 3 points, got 1 (1 collapse-free cells)" });
    const same = doseLaw([dc(0.9, 100, 50, 10), dc(1, 200, 50, 11), dc(1.1, 300, 50, 12)]);
    expect(same.ok).toBe(false);
    if (!same.ok) expect(same.reason).toMatch(/\|\|W\|\| is the same at every point/);
    expect(doseLaw([])).toEqual({ ok: false, reason: "dose law: no clamp cells" });
    const censored = doseLaw([dc(0.9, null, 50, 10), dc(1, null, 51, 11)]);
    expect(censored).toEqual({ ok: false, reason: "dose law p59: a fit with 2 parameters needs at least 3 points, got 0 (0 collapse-free cells)" });
  });
});

describe("dose-law forms", () => {
  const W = [20, 24, 28, 33, 40, 47];
  it("recovers a power law ln T = 2 + 1.5 ln(W - 10)", () => {
    const lnT = W.map((w) => 2 + 1.5 * Math.log(w - 10));
    const f = fitPower(W, lnT);
    if (!f.ok) throw new Error(f.reason);
    expect(f.value.params.w0).toBeCloseTo(10, 3);
    expect(f.value.params.beta).toBeCloseTo(1.5, 3);
    expect(f.value.r2).toBeCloseTo(1, 9);
  });

  it("recovers a saddle-node ln T = 3 - 1/2 ln(60 - W)", () => {
    const lnT = W.map((w) => 3 - 0.5 * Math.log(60 - w));
    const f = fitSaddle(W, lnT);
    if (!f.ok) throw new Error(f.reason);
    expect(f.value.params.w0).toBeCloseTo(60, 3);
    expect(f.value.params.c).toBeCloseTo(3, 3);
    expect(f.value.w0AtBound).toBe(false);
  });

  it("prefers the true form by AIC on noisy data", () => {
    const noise = [0.01, -0.012, 0.008, -0.005, 0.011, -0.009];
    const lnT = W.map((w, i) => 3 - 0.5 * Math.log(60 - w) + noise[i]!);
    const r = doseLaw(W.map((w, i) => dc(0.85 + 0.05 * i, Math.exp(lnT[i]!), w, 10)));
    if (!r.ok) throw new Error(r.reason);
    expect(r.value.best).toEqual({ ok: true, value: "saddle" });
  });
});
