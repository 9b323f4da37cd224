// The wasm backend against the reference, kernel by kernel, in both dtypes, on random shapes that
// include odd sizes (1, 3, 7, 17, 59, 97, 130, ...) and blocks larger than the GEMM's packing blocks.
// Kernels without a reordered sum must agree bit for bit; GEMM and sumSquares within tolerance.
// Builds dist/kernels first if it is missing or stale.

import { beforeAll, describe, expect, it } from "vitest";
import { fmaf } from "../../src/kernels/math32.js";
import { referenceKernels } from "../../src/kernels/reference.js";
import type { Kernels } from "../../src/kernels/types.js";
import { wasmKernels, wasmKernelsSync } from "../../src/kernels/wasm.js";
import { Arena } from "../../src/base/arena.js";
import type { DType, FArray } from "../../src/base/dtype.js";
import { Rng } from "../../src/base/rng.js";
import { ensureWasmBuilt, expectClose, expectRel } from "./helpers.js";

beforeAll(ensureWasmBuilt);

const SIZES = [1, 3, 7, 17, 59, 97, 130];

for (const dtype of ["f32", "f64"] as const) {
  describe(`wasm kernels ${dtype}`, () => {
    const tol = dtype === "f32" ? 1e-5 : 1e-12;
    let arena: Arena;
    let W: Kernels;
    const R = referenceKernels(dtype);
    const rng = new Rng(7, `wasm-${dtype}`);
    beforeAll(() => {
      arena = new Arena(96);
      W = wasmKernelsSync(dtype, arena);
    });
    const rand = (n: number, scale = 1): FArray => {
      const a = arena.floats(dtype, n);
      for (let i = 0; i < n; i++) a[i] = rng.normal() * scale;
      return a;
    };
    const ints = (n: number, below: number): Int32Array => {
      const a = arena.ints(n);
      for (let i = 0; i < n; i++) a[i] = rng.int(below);
      return a;
    };
    const copy = (a: FArray): FArray => {
      const b = arena.floats(dtype, a.length);
      b.set(a);
      return b;
    };
    /** Runs fn inside an arena mark/release. */
    const scoped = (fn: () => void) => () => {
      const mark = arena.mark();
      try {
        fn();
      } finally {
        arena.release(mark);
      }
    };
    const same = (a: FArray, b: FArray) => expect(Array.from(a)).toEqual(Array.from(b));

    describe("gemm", () => {
      const shapes: [number, number, number][] = [[1, 1, 1], [3, 7, 1], [130, 59, 17], [97, 130, 7], [17, 3, 300], [7, 500, 33], [59, 97, 130], [4, 8, 256], [3, 600, 300]];
      for (let s = 0; s < 6; s++) shapes.push([SIZES[(s * 3) % 7]!, SIZES[(s * 5 + 2) % 7]!, SIZES[(s * 2 + 1) % 7]!]);
      for (const [M, N, K] of shapes)
        for (const tA of [false, true])
          for (const tB of [false, true])
            it(`M=${M} N=${N} K=${K} tA=${tA} tB=${tB}`, scoped(() => {
              const A = rand(M * K);
              const B = rand(K * N);
              for (const beta of [0, 1] as const) {
                const C1 = rand(M * N);
                const C2 = copy(C1);
                W.gemm(tA, tB, M, N, K, A, B, C1, beta);
                R.gemm(tA, tB, M, N, K, A, B, C2, beta);
                expectClose(C1, C2, tol);
              }
            }));
      it("K = 0 with beta 0 zeroes C", scoped(() => {
        const C = rand(6);
        W.gemm(false, false, 2, 3, 0, rand(0), rand(0), C, 0);
        same(C, new (dtype === "f32" ? Float32Array : Float64Array)(6));
      }));
    });

    it("elementwise, row broadcasts and column sums agree bit for bit", scoped(() => {
      for (const n of [...SIZES, 1000]) {
        const a = rand(n), b = rand(n);
        const o1 = rand(n), o2 = copy(o1);
        W.add(n, a, b, o1); R.add(n, a, b, o2); same(o1, o2);
        for (const beta of [0, 1] as const) {
          W.mul(n, a, b, o1, beta); R.mul(n, a, b, o2, beta); same(o1, o2);
          W.scale(n, 1 / 3, a, o1, beta); R.scale(n, 1 / 3, a, o2, beta); same(o1, o2);
        }
        expectRel(W.sumSquares(n, a), R.sumSquares(n, a), 1e-14);
      }
      for (const [rows, cols] of [[1, 1], [3, 7], [59, 97], [17, 130], [1392, 256], [2, 70001]] as const) {
        const x = rand(rows * cols), bias = rand(cols); // 70001 columns: more than sumRows' accumulator holds
        const o1 = arena.floats(dtype, rows * cols), o2 = arena.floats(dtype, rows * cols);
        W.addRowVec(rows, cols, x, bias, o1); R.addRowVec(rows, cols, x, bias, o2); same(o1, o2);
        for (const beta of [0, 1] as const) {
          const s1 = rand(cols), s2 = copy(s1);
          W.sumRows(rows, cols, x, s1, beta); R.sumRows(rows, cols, x, s2, beta); same(s1, s2);
        }
      }
    }));

    it("gathers and scatter-add agree bit for bit", scoped(() => {
      for (const [n, cols, rowsT] of [[1, 1, 1], [7, 3, 5], [59, 130, 97], [1392, 256, 59]] as const) {
        const tA = rand(rowsT * cols), tB = rand(rowsT * cols), bias = rand(cols);
        const ia = ints(n, rowsT), ib = ints(n, rowsT);
        const o1 = arena.floats(dtype, n * cols), o2 = arena.floats(dtype, n * cols);
        W.gatherRows(n, cols, tA, ia, o1); R.gatherRows(n, cols, tA, ia, o2); same(o1, o2);
        W.gatherAdd2(n, cols, tA, ia, tB, ib, bias, o1); R.gatherAdd2(n, cols, tA, ia, tB, ib, bias, o2); same(o1, o2);
        const g1 = rand(rowsT * cols), g2 = copy(g1);
        W.scatterAddRows(n, cols, o1, ia, g1); R.scatterAddRows(n, cols, o1, ia, g2); same(g1, g2);
      }
    }));

    it(dtype === "f32" ? "GELU forward, forward+grad and backward agree bit for bit, tails included" : "GELU forward, forward+grad and backward agree to an ulp, tails included", scoped(() => {
      for (const n of [4001, 1, 2, 3, 5, 6, 7]) {
        const x = rand(n, 3);
        const special = [0, -40, 40, -7, 1e-300, -1e-9, 5.9, -8.5, 0.999, -1.0, 1.0, 3.9, -4.1, 1e-40, -0];
        for (let i = 0; i < Math.min(n, special.length); i++) x[i] = special[i]!;
        const y1 = arena.floats(dtype, n), y2 = arena.floats(dtype, n);
        W.geluForward(n, x, y1); R.geluForward(n, x, y2);
        if (dtype === "f32") same(y1, y2);
        else expectElementwise(y1, y2, 1e-14);
        const yg1 = arena.floats(dtype, n), yg2 = arena.floats(dtype, n);
        const d1 = arena.floats(dtype, n), d2 = arena.floats(dtype, n);
        W.geluForwardGrad(n, x, yg1, d1); R.geluForwardGrad(n, x, yg2, d2);
        same(yg1, y1); // the same forward bits with and without the derivative
        same(yg2, y2);
        if (dtype === "f32") same(d1, d2);
        else expectClose(d1, d2, 1e-15);
        const gy = rand(n);
        for (const beta of [0, 1] as const) {
          const g1 = rand(n), g2 = copy(g1);
          W.geluBackward(n, x, gy, g1, beta); R.geluBackward(n, x, gy, g2, beta);
          if (dtype === "f32") same(g1, g2);
          else expectClose(g1, g2, 1e-15);
        }
        // backward is gy·dydx (rounded): what the tape does with geluForwardGrad's dydx
        const g4 = arena.floats(dtype, n), g5 = arena.floats(dtype, n);
        W.geluBackward(n, x, gy, g4, 0); W.mul(n, gy, d1, g5, 0);
        same(g4, g5);
      }
      // NaN and infinities, in vector pairs and in a tail
      const x = arena.floats(dtype, 7);
      x.set([NaN, 1, Infinity, -Infinity, 0.5, NaN, -3]);
      const out = () => [arena.floats(dtype, 7), arena.floats(dtype, 7)] as const;
      const [y1, y2] = out(), [d1, d2] = out(), [e1, e2] = out();
      W.geluForward(7, x, y1); R.geluForward(7, x, y2); same(y1, y2);
      W.geluForwardGrad(7, x, e1, d1); R.geluForwardGrad(7, x, e2, d2); same(e1, e2); same(d1, d2);
    }));

    it("GELU on blocks mixing every branch region: each lane as on its own, close to the reference", scoped(() => {
      // |x|/√2 in erfc's regions (< 0.84375, < 1.25, < 1/0.35, < 6) and out of the vector range (8.4),
      // both signs: blocks of eight lanes with every pattern of regions over runs, at odd and even starts
      const reps = [0.3, -0.1, 1.5, -1.4, 2.5, -2.2, 5.0, -4.6, 8.3, -8.2, 9.0, -30, 1.2, -1.7, 0.05, 4.1];
      const N = 1603;
      const pattern = (i: number) => reps[((i * 7 + (i >> 3) * 5 + (i >> 6)) % reps.length)]! * (1 + rng.uniform() * 0.01);
      for (const off of [0, 1]) {
        const x = arena.floats(dtype, N + off).subarray(off);
        for (let i = 0; i < N; i++) x[i] = pattern(i);
        const [y1, y2, d1, d2, y3] = [0, 1, 2, 3, 4].map(() => arena.floats(dtype, N));
        W.geluForwardGrad(N, x, y1!, d1!);
        R.geluForwardGrad(N, x, y2!, d2!);
        W.geluForward(N, x, y3!);
        same(y3!, y1!);
        if (dtype === "f32") {
          same(y1!, y2!);
          same(d1!, d2!);
        } else {
          expectElementwise(y1!, y2!, 1e-14);
          expectClose(d1!, d2!, 1e-15);
        }
        // each lane paired with itself: the same bits as among the mixed lanes (a pair with a lane out
        // of the vector range goes to the scalar port as a whole, so only pairs in range are compared)
        const twin = arena.floats(dtype, 2 * N), ty = arena.floats(dtype, 2 * N), td = arena.floats(dtype, 2 * N);
        for (let i = 0; i < N; i++) twin[2 * i] = twin[2 * i + 1] = x[i]!;
        W.geluForwardGrad(2 * N, twin, ty, td);
        let compared = 0;
        for (let i = 0; i + 1 < N; i += 2) {
          if (!(Math.abs(x[i]!) < 8.4 && Math.abs(x[i + 1]!) < 8.4)) continue;
          for (const j of [i, i + 1]) {
            expect([ty[2 * j], td[2 * j]]).toEqual([y1![j], d1![j]]);
            compared++;
          }
        }
        expect(compared).toBeGreaterThan(N / 2);
      }
    }));

    it("softmax cross-entropy, MSE and logit statistics agree", scoped(() => {
      for (const [rows, cols] of [[1, 1], [3, 7], [5, 16], [4, 18], [17, 59], [130, 97], [2, 1024], [2, 2500]] as const) // 16…1024: the f32 one-pass rows; 2500 > one exp chunk
        for (const invTau of [1, 1 / 3, 7.5]) {
          const z = rand(rows * cols, 4);
          const labels = ints(rows, cols);
          for (const gradScale of [1, 0.25]) {
            const d1 = arena.floats(dtype, rows * cols), d2 = arena.floats(dtype, rows * cols);
            const l1 = W.softmaxCrossEntropy(rows, cols, z, labels, invTau, d1, gradScale);
            const l2 = R.softmaxCrossEntropy(rows, cols, z, labels, invTau, d2, gradScale);
            // f32: the same float32 expf in both, float64 log rounded to float32: identical bits;
            // f64: an ulp of exp in lse (up to ~100 here) moves every p_k by ~1e-14 relative
            if (dtype === "f32") {
              expect(l1).toBe(l2);
              same(d1, d2);
            } else {
              expectRel(l1, l2, tol);
              expectClose(d1, d2, 1e-13);
            }
            expectRel(W.mse(rows, cols, z, labels, invTau, d1, gradScale), R.mse(rows, cols, z, labels, invTau, d2, gradScale), 1e-15);
            same(d1, d2);
          }
          // the loss without a gradient: f32 identical; f64 within the same ulps of exp as above
          const lw = W.softmaxCrossEntropy(rows, cols, z, labels, invTau, null, 1);
          const lr = R.softmaxCrossEntropy(rows, cols, z, labels, invTau, null, 1);
          if (dtype === "f32") expect(lw).toBe(lr);
          else expectRel(lw, lr, tol);
          for (const loss of ["ce", "mse"] as const) {
            const s1 = W.logitStats(rows, cols, z, labels, invTau, loss);
            const s2 = R.logitStats(rows, cols, z, labels, invTau, loss);
            if (dtype === "f32") expect(s1.lossSum).toBe(s2.lossSum);
            expect([s1.correct, s1.saturated, s1.collapsed]).toEqual([s2.correct, s2.saturated, s2.collapsed]);
            expectRel(s1.l2sum, s2.l2sum, 1e-15);
            expectRel(s1.lossSum + 1e-300, s2.lossSum + 1e-300, tol);
          }
        }
    }));

    it("the row maximum's first index agrees: repeated maxima, ±0, NaN and −∞ in rows of any width", scoped(() => {
      for (const cols of [4, 5, 8, 9, 59]) {
        const rows = 4 * cols;
        const z = arena.floats(dtype, rows * cols), labels = arena.ints(rows);
        for (let i = 0; i < rows; i++) {
          const r = z.subarray(i * cols, (i + 1) * cols);
          for (let k = 0; k < cols; k++) r[k] = -1 - rng.uniform() * 3;
          const a = i % cols, b = (i * 5 + 3) % cols;
          const kind = Math.floor(i / cols);
          if (kind === 0) r[a] = r[b] = 2.5; // a repeated maximum, labelled at one of its places
          if (kind === 1) [r[a], r[b]] = a < b ? [-0, 0] : [0, -0]; // ±0 maxima
          if (kind === 2) [r[a], r[b]] = [NaN, 1.5]; // NaN never wins
          if (kind === 3) r.fill(-Infinity); // no value above −∞
          labels[i] = (i >> 1) % 2 ? a : b;
        }
        const s1 = W.logitStats(rows, cols, z, labels, 1, "ce"), s2 = R.logitStats(rows, cols, z, labels, 1, "ce");
        expect([s1.correct, s1.saturated, s1.collapsed]).toEqual([s2.correct, s2.saturated, s2.collapsed]);
        expect(s1.correct).toBeGreaterThan(0);
        expect(s1.correct).toBeLessThan(rows);
      }
    }));

    it("softmax collapse agrees exactly", scoped(() => {
      // rows: [0, 30, 0] label 1 (collapses in f32), [0, 15, 0] (p_y < 1 in both), [-3, 200, 1] (collapses in both)
      const z = arena.floats(dtype, 9);
      z.set([0, 30, 0, 0, 15, 0, -3, 200, 1]);
      const labels = arena.ints(3);
      labels.set([1, 1, 1]);
      const d1 = arena.floats(dtype, 9), d2 = arena.floats(dtype, 9);
      const l1 = W.softmaxCrossEntropy(3, 3, z, labels, 1, d1, 1);
      const l2 = R.softmaxCrossEntropy(3, 3, z, labels, 1, d2, 1);
      const s1 = W.logitStats(3, 3, z, labels, 1, "ce");
      const s2 = R.logitStats(3, 3, z, labels, 1, "ce");
      if (dtype === "f32") {
        // the same float32 expf; float64 log (V8's and AssemblyScript's) rounded to float32: identical
        expect(l1).toBe(l2);
        same(d1, d2);
        expect(s1).toEqual(s2);
      } else {
        expectRel(l1, l2, 1e-15);
        expectClose(d1, d2, 1e-15);
        expect([s1.correct, s1.saturated, s1.collapsed]).toEqual([s2.correct, s2.saturated, s2.collapsed]);
      }
      if (dtype === "f32") {
        expect(d1[1]).toBe(0);
        expect(d1[7]).toBe(0);
        expect(s1.collapsed).toBe(2);
      } else {
        expect(d1[1]).toBeLessThan(0);
        expect(s1.collapsed).toBe(1); // exp(-200)-sized terms are below float64 resolution too
      }
    }));

    it("sharedAttention forward and backward agree bit for bit", scoped(() => {
      // [sequences, positions, heads, d, table rows]: the transformer's 4 heads of 32, heads whose
      // width is not a whole number of vectors (10, 3), one head, repeated table rows within a sequence
      for (const [B, T, heads, d, rows] of [[57, 3, 4, 128, 40], [9, 3, 2, 20, 5], [7, 2, 3, 9, 2], [4, 3, 1, 8, 3]] as const) {
        const probs = rand(B * heads * T), V = rand(rows * d), G = rand(B * d);
        const idx = ints(B * T, rows);
        const y1 = rand(B * d), y2 = copy(y1);
        W.sharedAttentionForward(B, T, heads, d, probs, V, idx, y1);
        R.sharedAttentionForward(B, T, heads, d, probs, V, idx, y2);
        same(y1, y2);
        for (const withV of [true, false]) {
          const gp1 = rand(B * heads * T), gp2 = copy(gp1);
          const seed = rand(rows * d);
          const gv1 = withV ? (arena.floats("f64", rows * d) as Float64Array) : null;
          const gv2 = withV ? new Float64Array(rows * d) : null;
          for (let k = 0; k < rows * d; k++) if (gv1 && gv2) gv1[k] = gv2[k] = seed[k]!; // accumulates onto what is there
          W.sharedAttentionBackward(B, T, heads, d, probs, G, V, idx, gp1, gv1);
          R.sharedAttentionBackward(B, T, heads, d, probs, G, V, idx, gp2, gv2);
          same(gp1, gp2);
          if (gv1 && gv2) expect(Array.from(gv1)).toEqual(Array.from(gv2));
        }
      }
    }));

    it("softmaxRows and layerNorm, forward and backward, agree", scoped(() => {
      for (const [rows, cols] of [[1, 1], [5, 3], [17, 59], [130, 128]] as const) {
        const x = rand(rows * cols, 3);
        const y1 = arena.floats(dtype, rows * cols), y2 = arena.floats(dtype, rows * cols);
        W.softmaxRows(rows, cols, x, y1); R.softmaxRows(rows, cols, x, y2);
        expectClose(y1, y2, dtype === "f32" ? 1.2e-7 : 1e-15);
        const gy = rand(rows * cols);
        for (const beta of [0, 1] as const) {
          const g1 = rand(rows * cols), g2 = copy(g1);
          W.softmaxRowsBackward(rows, cols, y2, gy, g1, beta); R.softmaxRowsBackward(rows, cols, y2, gy, g2, beta);
          same(g1, g2);
        }
        const m1 = arena.floats(dtype, rows), m2 = arena.floats(dtype, rows);
        const r1 = arena.floats(dtype, rows), r2 = arena.floats(dtype, rows);
        W.layerNorm(rows, cols, x, y1, m1, r1, 1e-5); R.layerNorm(rows, cols, x, y2, m2, r2, 1e-5);
        same(y1, y2); same(m1, m2); same(r1, r2);
        for (const beta of [0, 1] as const) {
          const g1 = rand(rows * cols), g2 = copy(g1);
          W.layerNormBackward(rows, cols, y2, r2, gy, g1, beta); R.layerNormBackward(rows, cols, y2, r2, gy, g2, beta);
          same(g1, g2);
        }
      }
    }));

    it("adamw agrees bit for bit over several steps", scoped(() => {
      for (const n of [1, 7, 1001, 1024, 2051]) { // 2051: two of adamw32's blocks, a part of one and a tail
        const w1 = rand(n), w2 = copy(w1);
        const m1 = arena.floats(dtype, n), m2 = arena.floats(dtype, n);
        const v1 = arena.floats(dtype, n), v2 = arena.floats(dtype, n);
        for (let t = 1; t <= 3; t++) {
          const g = rand(n);
          const bc1 = 1 - 0.9 ** t, bc2 = 1 - 0.999 ** t;
          W.adamw(n, w1, g, m1, v1, 1e-3, 0.9, 0.999, 1e-8, bc1, bc2, t === 2 ? 0 : 1);
          R.adamw(n, w2, g, m2, v2, 1e-3, 0.9, 0.999, 1e-8, bc1, bc2, t === 2 ? 0 : 1);
        }
        same(w1, w2); same(m1, m2); same(v1, v2);
      }
    }));

    if (dtype === "f32") {
      it("adamw's moment update is one fused rounding, where rounding twice would be wrong", scoped(() => {
        // β1 = 2⁻²³: 1 − β1 and β1 are exact, m·β1 = c with an odd last bit, g·(1 − β1) = h(1 − 2⁻⁴⁶)
        // with h half an ulp of c: the fused result is c, float64-then-float32 gives c + ulp
        const n = 7;
        const f = Math.fround;
        const [w1, w2, g, m1, m2, v1, v2] = [0, 1, 2, 3, 4, 5, 6].map(() => arena.floats(dtype, n));
        const want: number[] = [];
        for (let i = 0; i < n; i++) {
          const e = i - 3;
          const c = f((1 + 3 * 2 ** -23) * 2 ** e);
          g![i] = f((1 + 2 ** -23) * 2 ** (e - 24));
          m1![i] = m2![i] = f(c * 2 ** 23);
          want.push(c);
          expect(f(g![i]! * f(1 - 2 ** -23) + c)).not.toBe(c);
        }
        W.adamw(n, w1!, g!, m1!, v1!, 1e-3, 2 ** -23, 0.999, 1e-8, 1, 1, 1);
        R.adamw(n, w2!, g!, m2!, v2!, 1e-3, 2 ** -23, 0.999, 1e-8, 1, 1, 1);
        expect(Array.from(m1!)).toEqual(want);
        expect(Array.from(m2!)).toEqual(want);
        same(w1!, w2!);
        same(v1!, v2!);
      }));

      it("adamw's fused updates agree bit for bit on float32 rounding ties of every kind", scoped(() => {
        // v = fma(a, g, v·β2) with a = (1 − β2)·g and β2 = 1 − 2⁻⁴⁹·A (A odd, 24 bits), which rounds to
        // 1, so the addend is v = c itself. A and each g are searched so that a·g lies within 2⁻²⁹
        // relative of half an ulp of c above it (below it for odd powers of two, above for even ones; the
        // overflow threshold's 2¹⁰³ is odd, where below is the case that matters), never on it: the float64 sum
        // lands on a float32 rounding boundary — a midpoint between normal floats, or the overflow
        // threshold FLT_MAX + 2¹⁰³ — where only the fused rounding is right (when the tie goes the wrong
        // way: the counted ties). Subnormal and zero v come along (no float64 tie is reachable there so).
        const f = Math.fround;
        const n = 4001;
        const MAX = 3.4028234663852886e38;
        const f32 = new Float32Array(1), i32 = new Int32Array(f32.buffer);
        const step = (x: number, k: number) => {
          f32[0] = x;
          i32[0]! += k;
          return f32[0]!;
        };
        /** A float32 g with f(a2·g)·g − d of the sign sg and below 2⁻²⁹·d (d a power of two), or 0. */
        const findG = (a2: number, d: number, sg: number) => {
          const g0 = f(Math.sqrt(d / a2));
          for (let k = -16; k <= 16; k++) {
            const gk = step(g0, k), e = f(a2 * gk) * gk - d;
            if (e * sg > 0 && Math.abs(e) < d * 2 ** -29) return gk;
          }
          return 0;
        };
        /** The side of d that g is sought on: above for even powers of two, below for odd ones. */
        const side = (d: number) => (Math.log2(d) % 2 === 0 ? 1 : -1);
        let A = 2 ** 23 + 1;
        while (!(findG(A * 2 ** -49, 2 ** -24, 1) && findG(A * 2 ** -49, 2 ** -25, -1))) A += 2;
        const b2 = 1 - A * 2 ** -49;
        const A2 = f(1 - b2);
        expect([f(b2), A2]).toEqual([1, A * 2 ** -49]);
        const halfUlp = (c: number) => (c === 0 ? 2 ** -150 : Math.abs(c) === MAX ? 2 ** 103 : (step(Math.abs(c), 1) - Math.abs(c)) / 2);
        const [w1, w2, g, m1, m2, v1, v2] = [0, 1, 2, 3, 4, 5, 6].map(() => arena.floats(dtype, n));
        let ties = 0;
        for (let i = 0; i < n; i++) {
          const u = rng.uniform(), kind = i % 5;
          const c = f(((i >> 3) % 2 ? -1 : 1) * [1 + u, (1 + u) * 2 ** ((i % 180) - 90), (1 + u) * 2 ** -140, MAX, 0][kind]!);
          const d = halfUlp(c);
          const gi = findG(A2, d, side(d));
          g[i] = gi;
          v1[i] = v2[i] = c;
          w1[i] = w2[i] = rng.normal();
          m1[i] = m2[i] = rng.normal();
          if (f(f(A2 * gi) * gi + c) !== fmaf(f(A2 * gi), gi, c)) ties++;
        }
        expect(ties).toBeGreaterThan(n / 10);
        for (const t of [1, 2]) {
          W.adamw(n - t + 1, w1!, g!, m1!, v1!, 1e-3, 0.9, b2, 1e-8, 0.5, 0.25, 1);
          R.adamw(n - t + 1, w2!, g!, m2!, v2!, 1e-3, 0.9, b2, 1e-8, 0.5, 0.25, 1);
        }
        const bits = (a: FArray) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
        expect(bits(v1!)).toEqual(bits(v2!));
        expect(bits(m1!)).toEqual(bits(m2!));
        expect(bits(w1!)).toEqual(bits(w2!));
      }));
    }

    it("rejects arrays outside the arena or of the wrong dtype", scoped(() => {
      const a = rand(4);
      const heap = dtype === "f32" ? new Float32Array(4) : new Float64Array(4);
      expect(() => W.add(4, a, heap, a)).toThrow(/not a view of the arena/);
      const other = arena.floats(dtype === "f32" ? "f64" : "f32", 4);
      expect(() => W.add(4, a, other, a)).toThrow(/wasm kernels/);
      expect(() => W.add(5, a, a, a)).toThrow(/needs 5/);
    }));
  });
}

describe("wasm kernels, both dtypes on one arena", () => {
  it("f32 and f64 modules keep to their own regions of the reserved MiB", async () => {
    const arena = new Arena(8);
    const k32 = wasmKernelsSync("f32", arena);
    const k64 = await wasmKernels("f64", arena);
    const rng = new Rng(9, "shared");
    const fill = (dtype: DType, n: number) => {
      const a = arena.floats(dtype, n);
      for (let i = 0; i < n; i++) a[i] = rng.normal();
      return a;
    };
    const [M, N, K] = [37, 300, 270];
    const A32 = fill("f32", M * K), B32 = fill("f32", K * N), C32 = arena.floats("f32", M * N);
    const A64 = fill("f64", M * K), B64 = fill("f64", K * N), C64 = arena.floats("f64", M * N);
    k32.gemm(false, true, M, N, K, A32, B32, C32, 0);
    k64.gemm(true, false, M, N, K, A64, B64, C64, 0);
    k32.gemm(false, true, M, N, K, A32, B32, C32, 1); // interleaved: C32 = 2·product
    const want32 = new Float32Array(M * N), want64 = new Float64Array(M * N);
    referenceKernels("f32").gemm(false, true, M, N, K, A32, B32, want32, 0);
    referenceKernels("f64").gemm(true, false, M, N, K, A64, B64, want64, 0);
    expectClose(C32, want32.map((v) => 2 * v), 1e-5);
    expectClose(C64, want64, 1e-12);
  });
});

/** |a_i − b_i| ≤ rel·|b_i| + tiny, elementwise (for functions that are accurate relative to each value). */
function expectElementwise(a: FArray, b: FArray, rel: number): void {
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= rel * Math.abs(b[i]!) + 1e-300)) throw new Error(`element ${i}: ${a[i]} vs ${b[i]}`);
  }
}
