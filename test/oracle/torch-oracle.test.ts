// grokscale against PyTorch itself: the fixture in test/fixtures/oracle was written by
// scripts/torch-oracle.py (torch 2.13, CPU, AVX-512) from init files that grokscale loads through the
// run-config option init_from. float64: a few hundred full-batch AdamW steps (decay, clamp from t_int,
// τ, CE and MSE; MLP and transformer) must follow torch to 1e-10 relative. float32: the first steps
// within a few ulps, including a saturated start where the order of log-softmax decides the outcome.
// The bounds below are what the code achieves, with a little room (see the report of issue 12).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { makeKernels } from "../../src/kernels/index.js";
import { referenceKernels } from "../../src/kernels/reference.js";
import type { Kernels } from "../../src/kernels/types.js";
import { Arena } from "../../src/base/arena.js";
import { ensureWasmBuilt } from "../kernels/helpers.js";
import { FIXTURES, loadCase, rel, replay, ulps } from "./helpers.js";

beforeAll(ensureWasmBuilt);


const maxOver = <T>(xs: T[], f: (x: T) => number) => xs.reduce((m, x) => Math.max(m, f(x)), 0);

describe("float64 follows PyTorch over hundreds of steps", () => {
  for (const name of ["mlp-ce-f64", "mlp-mse-f64", "tf-ce-f64", "tf-ln-mse-f64"]) {
    it(`${name}: every step's loss and gradient norms to 1e-12, the final weights to 1e-10`, () => {
      const o = loadCase(name);
      const r = replay(name);
      expect(r.steps.length).toBe(o.steps.length);
      expect(o.steps.length).toBeGreaterThanOrEqual(300);
      r.steps.forEach((s, i) => {
        const t = o.steps[i]!;
        if (!(rel(s.loss, t.loss) <= 1e-12)) throw new Error(`step ${i + 1}: loss ${s.loss} vs torch ${t.loss}`);
        for (const [k, g] of Object.entries(t.grad_norms)) {
          if (!(rel(s.grad_norms[k]!, g) <= 1e-12)) throw new Error(`step ${i + 1}: ‖∇${k}‖ ${s.grad_norms[k]} vs torch ${g}`);
        }
      });
      for (const [k, w] of Object.entries(o.final)) {
        const mine = r.final[k]!;
        w.forEach((v, j) => {
          if (!(Math.abs(mine[j]! - v) <= 1e-10 * Math.max(Math.abs(v), 1e-3))) throw new Error(`final ${k}[${j}]: ${mine[j]} vs torch ${v}`);
        });
      }
    }, 120_000);
  }
});

describe("float32 follows PyTorch step by step", () => {
  for (const name of ["mlp-ce-f32", "mlp-mse-f32", "tf-ce-f32", "mlp-saturated-f32"]) {
    for (const kernels of ["wasm", "reference"] as const) {
      it(`${name} (${kernels}): losses within 2 ulps over the first steps, weights after step 1 within 2 ulps`, () => {
        const o = loadCase(name);
        const r = replay(name, kernels);
        for (let i = 0; i < 3; i++) {
          const [s, t] = [r.steps[i]!, o.steps[i]!];
          expect(rel(s.loss, t.loss)).toBeLessThanOrEqual(2 ** -22);
          for (const [k, g] of Object.entries(t.grad_norms)) expect(rel(s.grad_norms[k]!, g), `step ${i + 1} ‖∇${k}‖`).toBeLessThan(1e-5);
        }
        for (const [t, W] of Object.entries(o.weights_after)) {
          const all = Object.entries(W).flatMap(([k, w]) => w.map((v, j) => ulps(r.weightsAfter[t]![k]![j]!, v)));
          const within2 = all.filter((u) => u <= 2).length / all.length;
          // a weight whose gradient is near ε moves by lr·g/(|g| + ε): its few-ulp gradient differences grow
          expect(within2, `share of weights within 2 ulps after step ${t}`).toBeGreaterThanOrEqual(t === "1" ? 0.98 : 0.95);
          expect(Math.max(...all), `largest ulp distance after step ${t}`).toBeLessThanOrEqual(64);
        }
        // over the whole short run (40 steps; 20 saturated ones, where ulp-quantised gradients amplify)
        const drift = maxOver(r.steps, (s) => rel(s.loss, o.steps[r.steps.indexOf(s)]!.loss));
        expect(drift).toBeLessThan(name.includes("saturated") ? 1e-2 : 1e-6);
      }, 60_000);
    }
  }
});

interface Row {
  z: number[];
  y: number;
  loss: number;
  dz: number[];
  softmax_py: number;
}
interface Rows {
  issue_rows: Row[];
  saturated_start: { rows: number; cols: number; z: number[]; y: number[]; loss: number; dz: number[]; softmax_py: number[]; softmax_pmax: number[] };
}
const rows = (): Rows => JSON.parse(readFileSync(join(FIXTURES, "ce-rows-f32.json"), "utf8")) as Rows;

/** The order grokscale used before issue 12: lse = m + log s, logp = x − lse, dz = (exp(logp) − onehot)/rows. */
function oldOrderDz(n: number, cols: number, z: Float32Array, y: number[]): Float32Array {
  const r = Math.fround;
  const dz = new Float32Array(n * cols);
  for (let i = 0; i < n; i++) {
    const x = z.subarray(i * cols, (i + 1) * cols);
    const m = Math.max(...x);
    let s = 0;
    for (const v of x) s = r(s + r(Math.exp(r(v - m))));
    const lse = r(m + r(Math.log(s)));
    for (let k = 0; k < cols; k++) dz[i * cols + k] = (r(r(Math.exp(r(x[k]! - lse))) - (k === y[i] ? 1 : 0)) * 1) / n;
  }
  return dz;
}

describe("float32 cross-entropy rows against torch", () => {
  const arena = new Arena(8);
  const backends: Array<[string, () => Kernels]> = [
    ["reference", () => referenceKernels("f32")],
    ["wasm", () => makeKernels("wasm", "f32", arena)],
  ];
  for (const [label, make] of backends) {
    it(`${label}: the issue's rows (max logit 20, 58 rivals at margins 14-19) give torch's loss and gradient bit for bit`, () => {
      const k = make();
      const { issue_rows } = rows();
      const byMargin = new Map<number, number>();
      for (const row of issue_rows) {
        const mark = arena.mark();
        const z = arena.floats("f32", 59) as Float32Array;
        z.set(row.z);
        const dz = arena.floats("f32", 59) as Float32Array;
        const lab = arena.ints(1);
        lab[0] = row.y;
        const loss = k.softmaxCrossEntropy(1, 59, z, lab, 1, dz, 1);
        expect(Math.fround(loss)).toBe(Math.fround(row.loss));
        expect(Array.from(dz)).toEqual(row.dz.map(Math.fround));
        expect(k.logitStats(1, 59, z, lab, 1, "ce").collapsed).toBe(row.softmax_py >= 1 ? 1 : 0);
        byMargin.set(20 - row.z[row.y === 0 ? 1 : 0]!, dz[row.y]!);
        arena.release(mark);
      }
      // the issue's numbers, as torch 2.13 gave them: −9.54e-7 and −2.38e-7 at margins 18 and 19
      expect(byMargin.get(18)).toBeCloseTo(-9.54e-7, 9);
      expect(byMargin.get(19)).toBeCloseTo(-2.38e-7, 9);
    });

    it(`${label}: a saturated batch gets torch's gradient at every label; the old order zeroes it on many rows`, () => {
      const k = make();
      const s = rows().saturated_start;
      const mark = arena.mark();
      const z = arena.floats("f32", s.z.length) as Float32Array;
      z.set(s.z);
      const dz = arena.floats("f32", s.z.length) as Float32Array;
      const lab = arena.ints(s.rows);
      lab.set(s.y);
      const loss = k.softmaxCrossEntropy(s.rows, s.cols, z, lab, 1, dz, 1);
      expect(rel(loss, s.loss)).toBeLessThan(1e-6);
      const torchDz = s.dz.map(Math.fround);
      let offLabel = 0;
      for (let i = 0; i < s.rows; i++) {
        for (let c = 0; c < s.cols; c++) {
          const j = i * s.cols + c;
          if (c === s.y[i]) expect(dz[j], `row ${i} label`).toBe(torchDz[j]);
          else offLabel = Math.max(offLabel, ulps(dz[j]!, torchDz[j]!));
        }
      }
      expect(offLabel).toBeLessThanOrEqual(2); // our expf and torch's vectorised exp differ by an ulp or two
      const st = k.logitStats(s.rows, s.cols, z, lab, 1, "ce");
      expect(st.collapsed).toBe(s.softmax_py.filter((p) => p >= 1).length);
      expect(st.saturated).toBe(s.softmax_pmax.filter((p) => p > Math.fround(0.999)).length);
      const old = oldOrderDz(s.rows, s.cols, z, s.y);
      const lost = s.y.filter((y, i) => old[i * s.cols + y] === 0 && torchDz[i * s.cols + y] !== 0).length;
      expect(lost).toBeGreaterThan(s.rows / 4); // rows torch still trains that the old order left with no gradient
      arena.release(mark);
    });
  }
});
