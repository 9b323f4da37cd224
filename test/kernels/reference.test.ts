// Hand-checked cases for every reference kernel, erf against known values, and float64 finite-difference
// checks of the backward kernels. The wasm backend is tested against this reference in wasm.test.ts.

import { describe, expect, it } from "vitest";
import { erf, erfc, gelu, geluGrad } from "../../src/kernels/erf.js";
import { gelu32 } from "../../src/kernels/math32.js";
import { referenceKernels } from "../../src/kernels/reference.js";
import { alloc } from "../../src/base/dtype.js";
import { Rng } from "../../src/base/rng.js";
import { expectClose, expectRel, naiveGemm, randArray } from "./helpers.js";

const k64 = referenceKernels("f64");
const k32 = referenceKernels("f32");

describe("erf", () => {
  // values from an independent implementation (CPython's math.erf / math.erfc)
  const erfs: [number, number][] = [
    [1e-10, 1.1283791670955126e-10], [0.1, 0.1124629160182849], [0.5, 0.5204998778130465],
    [-0.3, -0.3286267594591274], [0.84, 0.7651427114549946], [0.9, 0.7969082124228322],
    [1.1, 0.8802050695740817], [1.3, 0.9340079449406524], [2, 0.9953222650189527],
    [2.9, 0.9999589021219005], [3, 0.9999779095030014], [4, 0.9999999845827421],
    [5.5, 0.9999999999999927], [-2.5, -0.999593047982555],
  ];
  const erfcs: [number, number][] = [
    [0.1, 0.8875370839817152], [0.5, 0.4795001221869535], [1, 0.15729920705028513],
    [2, 0.004677734981047265], [3, 2.2090496998585438e-5], [4, 1.541725790028002e-8],
    [5, 1.5374597944280351e-12], [6, 2.1519736712498916e-17], [10, 2.088487583762545e-45],
    [20, 5.3958656116079005e-176], [-1, 1.842700792949715], [-3, 1.9999779095030015],
  ];
  it("matches known erf values to a few ulps", () => {
    for (const [x, want] of erfs) expectRel(erf(x), want, 4e-16);
    expect(erf(0)).toBe(0);
    expect(erf(Infinity)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(Number.isNaN(erf(NaN))).toBe(true);
  });
  it("matches known erfc values to a few ulps, tails included", () => {
    for (const [x, want] of erfcs) expectRel(erfc(x), want, 1e-15);
    expect(erfc(40)).toBe(0);
    expect(erfc(-40)).toBe(2);
  });
  it("GELU is x·Φ(x) with the exact erf, relatively exact in the left tail", () => {
    expectRel(gelu(1), 0.8413447460685429, 1e-15);
    expectRel(gelu(-1), -0.15865525393145707, 1e-15);
    expectRel(gelu(-10), -7.619853024160527e-23, 1e-14);
    expect(gelu(0)).toBe(0);
    for (const x of [-4, -1.3, -0.2, 0, 0.4, 1, 2.5, 6]) {
      const h = 1e-5;
      expectRel(geluGrad(x), (gelu(x + h) - gelu(x - h)) / (2 * h), 1e-8);
    }
  });
});

describe("reference gemm", () => {
  const rng = new Rng(1, "gemm");
  for (const [M, N, K] of [[1, 1, 1], [3, 7, 5], [17, 13, 9], [4, 59, 33]] as const)
    for (const tA of [false, true])
      for (const tB of [false, true])
        for (const beta of [0, 1] as const)
          it(`M=${M} N=${N} K=${K} tA=${tA} tB=${tB} beta=${beta}`, () => {
            const A = randArray(rng, "f64", M * K);
            const B = randArray(rng, "f64", K * N);
            const C = randArray(rng, "f64", M * N);
            const want = naiveGemm(tA, tB, M, N, K, A, B, C, beta);
            k64.gemm(tA, tB, M, N, K, A, B, C, beta);
            expectClose(C, want, 1e-14);
          });
  it("computes a 2x2 product by hand", () => {
    const C = new Float64Array([100, 100, 100, 100]);
    k64.gemm(false, false, 2, 2, 2, new Float64Array([1, 2, 3, 4]), new Float64Array([5, 6, 7, 8]), C, 0);
    expect(Array.from(C)).toEqual([19, 22, 43, 50]);
    k64.gemm(true, false, 2, 2, 2, new Float64Array([1, 2, 3, 4]), new Float64Array([5, 6, 7, 8]), C, 1);
    expect(Array.from(C)).toEqual([19 + 26, 22 + 30, 43 + 38, 50 + 44]);
  });
});

describe("reference elementwise and reductions", () => {
  it("add, mul, scale with beta", () => {
    const a = new Float64Array([1, 2, 3]);
    const b = new Float64Array([4, 5, 6]);
    const out = new Float64Array([1, 1, 1]);
    k64.add(3, a, b, out);
    expect(Array.from(out)).toEqual([5, 7, 9]);
    k64.mul(3, a, b, out, 1);
    expect(Array.from(out)).toEqual([9, 17, 27]);
    k64.mul(3, a, b, out, 0);
    expect(Array.from(out)).toEqual([4, 10, 18]);
    k64.scale(3, 0.5, a, out, 1);
    expect(Array.from(out)).toEqual([4.5, 11, 19.5]);
    k64.scale(3, -2, a, out, 0);
    expect(Array.from(out)).toEqual([-2, -4, -6]);
  });
  it("addRowVec, sumRows, sumSquares", () => {
    const x = new Float64Array([1, 2, 3, 4, 5, 6]); // (2, 3)
    const out = new Float64Array(6);
    k64.addRowVec(2, 3, x, new Float64Array([10, 20, 30]), out);
    expect(Array.from(out)).toEqual([11, 22, 33, 14, 25, 36]);
    const s = new Float64Array([1, 1, 1]);
    k64.sumRows(2, 3, x, s, 1);
    expect(Array.from(s)).toEqual([6, 8, 10]);
    k64.sumRows(2, 3, x, s, 0);
    expect(Array.from(s)).toEqual([5, 7, 9]);
    expect(k64.sumSquares(6, x)).toBe(91);
    // f32: the sum of squares accumulates in float64
    const big = new Float32Array(3).fill(16777216);
    expect(k32.sumSquares(3, big)).toBe(3 * 16777216 ** 2);
  });
  it("gatherRows, scatterAddRows, gatherAdd2", () => {
    const table = new Float64Array([0, 1, 10, 11, 20, 21]); // (3, 2)
    const idx = new Int32Array([2, 0, 2]);
    const out = new Float64Array(6);
    k64.gatherRows(3, 2, table, idx, out);
    expect(Array.from(out)).toEqual([20, 21, 0, 1, 20, 21]);
    const grad = new Float64Array(6);
    k64.scatterAddRows(3, 2, new Float64Array([1, 2, 3, 4, 5, 6]), idx, grad);
    expect(Array.from(grad)).toEqual([3, 4, 0, 0, 6, 8]);
    const tB = new Float64Array([100, 200, 300, 400, 500, 600]);
    k64.gatherAdd2(3, 2, table, idx, tB, new Int32Array([0, 1, 2]), new Float64Array([0.5, -0.5]), out);
    expect(Array.from(out)).toEqual([120.5, 220.5, 300.5, 400.5, 520.5, 620.5]);
  });
  it("GELU forward and backward; f32 is math32's float32 algorithm", () => {
    const x = new Float64Array([-1, 0, 1]);
    const y = new Float64Array(3);
    k64.geluForward(3, x, y);
    expect(Array.from(y)).toEqual([gelu(-1), 0, gelu(1)]);
    const gx = new Float64Array([1, 1, 1]);
    k64.geluBackward(3, x, new Float64Array([2, 2, 2]), gx, 1);
    expect(Array.from(gx)).toEqual([1 + 2 * geluGrad(-1), 1 + 2 * geluGrad(0), 1 + 2 * geluGrad(1)]);
    const y32 = new Float32Array(1);
    k32.geluForward(1, new Float32Array([0.3]), y32);
    expect(y32[0]).toBe(gelu32(Math.fround(0.3)));
    expect(Math.abs(y32[0]! - gelu(Math.fround(0.3)))).toBeLessThan(3 * 2 ** -24 * Math.abs(y32[0]!));
    const yy = new Float64Array(3), dd = new Float64Array(3);
    k64.geluForwardGrad(3, x, yy, dd);
    expect(Array.from(yy)).toEqual([gelu(-1), 0, gelu(1)]);
    expect(Array.from(dd)).toEqual([geluGrad(-1), geluGrad(0), geluGrad(1)]);
  });
});

describe("reference softmax cross-entropy and MSE", () => {
  it("a hand case with temperature", () => {
    // z/τ = [0, ln 3] → p = [1/4, 3/4]
    const z = new Float64Array([0, Math.log(3) / 2, 0, Math.log(3) / 2]);
    const dz = new Float64Array(4);
    const loss = k64.softmaxCrossEntropy(2, 2, z, new Int32Array([1, 0]), 0.5, dz, 1);
    expectRel(loss, (-Math.log(0.75) - Math.log(0.25)) / 2, 1e-15);
    // dz = (p − onehot)/τ/rows
    expectClose(dz, [0.25 / 2 * 2, -0.25 / 2 * 2, -0.75 / 2 * 2, 0.75 / 2 * 2], 1e-15);
  });
  it("softmax collapse: f32 logits [0, 30] give p_y = 1 and dz_y = 0 exactly; f64 does not", () => {
    const dz32 = new Float32Array(2);
    k32.softmaxCrossEntropy(1, 2, new Float32Array([0, 30]), new Int32Array([1]), 1, dz32, 1);
    expect(dz32[1]).toBe(0);
    expect(dz32[0]).toBeGreaterThan(0);
    const st32 = k32.logitStats(1, 2, new Float32Array([0, 30]), new Int32Array([1]), 1, "ce");
    expect(st32.collapsed).toBe(1);
    expect(st32.lossSum).toBe(0);
    const dz64 = new Float64Array(2);
    k64.softmaxCrossEntropy(1, 2, new Float64Array([0, 30]), new Int32Array([1]), 1, dz64, 1);
    expect(dz64[1]).toBeLessThan(0);
    expect(k64.logitStats(1, 2, new Float64Array([0, 30]), new Int32Array([1]), 1, "ce").collapsed).toBe(0);
  });
  it("CE and MSE gradients match central differences in f64", () => {
    const rng = new Rng(2, "ce");
    const rows = 3, cols = 5;
    const z = randArray(rng, "f64", rows * cols, 2);
    const labels = new Int32Array([4, 0, 2]);
    for (const which of ["ce", "mse"] as const) {
      const f = (zz: Float64Array) =>
        which === "ce" ? k64.softmaxCrossEntropy(rows, cols, zz, labels, 0.7, null, 1) : k64.mse(rows, cols, zz, labels, 0.7, null, 1);
      const dz = new Float64Array(rows * cols);
      if (which === "ce") k64.softmaxCrossEntropy(rows, cols, z, labels, 0.7, dz, 3);
      else k64.mse(rows, cols, z, labels, 0.7, dz, 3);
      const num = new Float64Array(rows * cols);
      for (let i = 0; i < z.length; i++) {
        const zp = Float64Array.from(z as Float64Array);
        const zm = Float64Array.from(z as Float64Array);
        zp[i] += 1e-6;
        zm[i] -= 1e-6;
        num[i] = (3 * (f(zp) - f(zm))) / 2e-6;
      }
      expectClose(dz, num, 1e-7);
    }
  });
  it("MSE by hand", () => {
    const dz = new Float64Array(4);
    // rows: (z/τ − onehot) = [1, -1] and [0.5, 1]; squares sum 2 and 1.25
    const loss = k64.mse(2, 2, new Float64Array([0.5, 0, 0.25, 1]), new Int32Array([1, 1]), 0.5, dz, 1);
    expect(loss).toBe((2 + 1.25) / 2);
    expect(Array.from(dz)).toEqual([2, -2, 1, 2]); // 2·d/τ/rows
  });
  it("logitStats by hand", () => {
    // row 0: argmax 1 (label 1, correct); row 1: tie at 0 and 2 → index 0 wins (label 2, wrong)
    const z = new Float64Array([1, 3, 0, 2, 0, 2]);
    const st = k64.logitStats(2, 3, z, new Int32Array([1, 2]), 1, "ce");
    expect(st.correct).toBe(1);
    expectRel(st.l2sum, Math.sqrt(10) + Math.sqrt(8), 1e-15);
    expect(st.saturated).toBe(0);
    expect(st.collapsed).toBe(0);
    expectRel(st.lossSum, k64.softmaxCrossEntropy(2, 3, z, new Int32Array([1, 2]), 1, null, 1) * 2, 1e-15);
    const sat = k64.logitStats(1, 2, new Float64Array([0, 10]), new Int32Array([0]), 1, "mse");
    expect(sat.saturated).toBe(1);
    expect(sat.correct).toBe(0);
    expect(sat.lossSum).toBe(1 + 100);
  });
});

describe("reference softmaxRows and layerNorm", () => {
  const fdCheck = (
    fwd: (x: Float64Array, y: Float64Array) => void,
    bwd: (x: Float64Array, y: Float64Array, gy: Float64Array, gx: Float64Array) => void,
    rows: number, cols: number,
  ) => {
    const rng = new Rng(3, "fd");
    const x = randArray(rng, "f64", rows * cols) as Float64Array;
    const w = randArray(rng, "f64", rows * cols) as Float64Array; // loss = Σ w ⊙ y
    const y = new Float64Array(rows * cols);
    fwd(x, y);
    const gx = new Float64Array(rows * cols).fill(0.25);
    bwd(x, y, w, gx); // beta = 1 onto 0.25
    const loss = (xx: Float64Array) => {
      const yy = new Float64Array(rows * cols);
      fwd(xx, yy);
      return yy.reduce((s, v, i) => s + v * w[i]!, 0);
    };
    const num = new Float64Array(rows * cols);
    for (let i = 0; i < x.length; i++) {
      const xp = Float64Array.from(x);
      const xm = Float64Array.from(x);
      xp[i] += 1e-6;
      xm[i] -= 1e-6;
      num[i] = 0.25 + (loss(xp) - loss(xm)) / 2e-6;
    }
    expectClose(gx, num, 1e-7);
  };
  it("softmaxRows by hand and its backward vs central differences", () => {
    const y = new Float64Array(4);
    k64.softmaxRows(2, 2, new Float64Array([0, Math.log(3), 5, 5]), y);
    expectClose(y, [0.25, 0.75, 0.5, 0.5], 1e-15);
    fdCheck((x, yy) => k64.softmaxRows(3, 7, x, yy), (_x, yy, gy, gx) => k64.softmaxRowsBackward(3, 7, yy, gy, gx, 1), 3, 7);
  });
  it("layerNorm by hand and its backward vs central differences", () => {
    const y = new Float64Array(4);
    const mean = new Float64Array(1);
    const rstd = new Float64Array(1);
    k64.layerNorm(1, 4, new Float64Array([1, 2, 3, 4]), y, mean, rstd, 0);
    expect(mean[0]).toBe(2.5);
    expectRel(rstd[0]!, 1 / Math.sqrt(1.25), 1e-15);
    expectClose(y, [-1.5, -0.5, 0.5, 1.5].map((v) => v / Math.sqrt(1.25)), 1e-15);
    const rows = 3, cols = 6;
    const m = new Float64Array(rows);
    const r = new Float64Array(rows);
    fdCheck(
      (x, yy) => k64.layerNorm(rows, cols, x, yy, m, r, 1e-5),
      (x, yy, gy, gx) => {
        k64.layerNorm(rows, cols, x, yy, m, r, 1e-5);
        k64.layerNormBackward(rows, cols, yy, r, gy, gx, 1);
      },
      rows, cols,
    );
  });
});

describe("reference adamw", () => {
  it("one step by hand, decay after the update", () => {
    const w = new Float64Array([1, -2]);
    const g = new Float64Array([0.5, 0]);
    const m = new Float64Array(2);
    const v = new Float64Array(2);
    const lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 1;
    k64.adamw(2, w, g, m, v, lr, b1, b2, eps, 1 - b1, 1 - b2, wd);
    expectRel(m[0]!, 0.05, 1e-15);
    expectRel(v[0]!, 0.00025, 1e-12);
    // m̂ = 0.5, v̂ = 0.25: the step is lr·0.5/(0.5 + eps)
    const w1 = 1 - (lr * 0.5) / (0.5 + eps);
    expectRel(w[0]!, w1 - lr * wd * w1, 1e-15);
    expect(w[1]).toBe(-2 + lr * 2); // zero gradient: only the decay
    const w32 = new Float32Array([1]);
    k32.adamw(1, w32, new Float32Array([0.5]), new Float32Array(1), new Float32Array(1), lr, b1, b2, eps, 1 - b1, 1 - b2, wd);
    expect(w32[0]).toBe(Math.fround(Math.fround(w1) - lr * wd * Math.fround(w1)));
  });
});

describe("reference f32 rounding", () => {
  it("elementwise ops round like float32 hardware", () => {
    const a = Float32Array.from([1.1, 3.3]);
    const out = Float32Array.from([0.7, 0.9]);
    k32.mul(2, a, a, out, 1);
    expect(out[0]).toBe(Math.fround(Math.fround(0.7) + Math.fround(a[0]! * a[0]!)));
    const d = alloc("f32", 2);
    k32.softmaxRows(1, 2, Float32Array.from([0, 1]), d);
    const e1 = Math.fround(Math.exp(-1));
    expect(d[0]).toBe(Math.fround(e1 / Math.fround(1 + e1)));
    expect(d[1]).toBe(Math.fround(1 / Math.fround(1 + e1)));
  });
});
