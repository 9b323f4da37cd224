// Tests for the numeric building blocks on hand-computed cases: median, percentile, OLS with
// intercept (R^2, RSS), AIC and linear interpolation, and the messages for degenerate inputs
// (too few points, constant or collinear regressors, constant response, out-of-range x).
import { describe, expect, it } from "vitest";
import { aic, interpClamped, interpLinear, median, olsWithIntercept, percentile } from "../../src/analysis/stats.js";

describe("median and percentile", () => {
  it("median of odd and even counts, unsorted input", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(() => median([])).toThrow(/empty/);
  });

  it("percentile interpolates linearly between order statistics (NumPy's default)", () => {
    // sorted 10 20 30 40 50: q=0.1 -> h=0.4 -> 10 + 0.4*10 = 14; q=0.975 -> h=3.9 -> 40 + 0.9*10 = 49
    expect(percentile([50, 10, 40, 20, 30], 0.1)).toBeCloseTo(14, 12);
    expect(percentile([50, 10, 40, 20, 30], 0.975)).toBeCloseTo(49, 12);
    expect(percentile([50, 10, 40, 20, 30], 0)).toBe(10);
    expect(percentile([50, 10, 40, 20, 30], 1)).toBe(50);
  });
});

describe("olsWithIntercept", () => {
  it("fits a line: x 1 2 3, y 0 1 3 -> slope 1.5, intercept -5/3, RSS 1/6, R^2 27/28", () => {
    const f = olsWithIntercept([[1, 2, 3]], [0, 1, 3]);
    if (!f.ok) throw new Error(f.reason);
    expect(f.value.coef[0]).toBeCloseTo(-5 / 3, 12);
    expect(f.value.coef[1]).toBeCloseTo(1.5, 12);
    expect(f.value.rss).toBeCloseTo(1 / 6, 12);
    expect(f.value.tss).toBeCloseTo(14 / 3, 12);
    expect(f.value.r2).toBeCloseTo(27 / 28, 12);
  });

  it("fits two regressors: residuals +-0.25 give R^2 = 1 - 0.25/8.75 = 34/35", () => {
    const L = [1, 2, 3, 4];
    const rho = [1, 1, 1.1, 1.1];
    const y = [1, 2, 3, 5];
    const both = olsWithIntercept([L, rho], y);
    if (!both.ok) throw new Error(both.reason);
    expect(both.value.coef[0]).toBeCloseTo(4.25, 9);
    expect(both.value.coef[1]).toBeCloseTo(1.5, 9);
    expect(both.value.coef[2]).toBeCloseTo(-5, 9);
    expect(both.value.r2).toBeCloseTo(34 / 35, 12);
  });

  it("explains degenerate inputs instead of returning NaN", () => {
    expect(olsWithIntercept([[1, 1, 1, 1]], [1, 2, 3, 4], ["L"])).toEqual({ ok: false, reason: "L is the same at every point; its slope is undefined" });
    expect(olsWithIntercept([[1, 2, 3]], [5, 5, 5])).toEqual({ ok: false, reason: "the response is the same at every point; R^2 is undefined" });
    expect(olsWithIntercept([[1]], [5])).toEqual({ ok: false, reason: "a fit with 2 parameters needs at least 3 points, got 1" });
    expect(olsWithIntercept([[1, 2], [3, 4]], [5, 6])).toMatchObject({ ok: false });
    const col = olsWithIntercept([[1, 2, 3, 4], [2, 4, 6, 8]], [1, 3, 2, 5], ["a", "b"]);
    expect(col).toEqual({ ok: false, reason: "the regressors (a, b) are collinear" });
    expect(olsWithIntercept([[1, 2, NaN]], [1, 2, 3])).toEqual({ ok: false, reason: "non-finite value in the fit's data" });
  });
});

describe("aic", () => {
  it("is n ln(RSS/n) + 2k, and undefined for an exact fit", () => {
    expect(aic(1 / 6, 3, 2)).toEqual({ ok: true, value: 3 * Math.log(1 / 18) + 4 });
    expect(aic(0, 3, 2)).toMatchObject({ ok: false });
  });
});

describe("interpLinear", () => {
  it("interpolates on points taken in increasing x, whatever their order", () => {
    // between (8, 100) and (12, 200): at 10 -> 150
    expect(interpLinear([20, 8, 12], [400, 100, 200], 10)).toEqual({ ok: true, value: 150 });
    expect(interpLinear([20, 8, 12], [400, 100, 200], 12)).toEqual({ ok: true, value: 200 });
    expect(interpLinear([20, 8, 12], [400, 100, 200], 16)).toEqual({ ok: true, value: 300 });
  });

  it("does not extrapolate", () => {
    const r = interpLinear([1, 2], [10, 20], 3);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/outside the points' range \[1, 2\]/);
    expect(interpLinear([], [], 1)).toEqual({ ok: false, reason: "interpolation: no points" });
  });
});

describe("interpClamped", () => {
  // values of numpy.interp(x0, [8, 12, 20], [100, 200, 400]) for x0 = 4, 8, 10, 16, 20, 25
  it("matches np.interp inside the range and holds the end values outside it", () => {
    const xs = [20, 8, 12];
    const ys = [400, 100, 200];
    expect([4, 8, 10, 16, 20, 25].map((x) => interpClamped(xs, ys, x))).toEqual([100, 100, 150, 300, 400, 400].map((value) => ({ ok: true, value })));
    expect(interpClamped([], [], 1)).toEqual({ ok: false, reason: "interpolation: no points" });
  });
});
