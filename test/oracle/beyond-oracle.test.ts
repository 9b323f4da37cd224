// grokscale's StableMax cross-entropy, ⊥Grad and lr_scale_with_rho (docs/study.md §11) against PyTorch
// running them as Prieto et al.'s published code writes them (scripts/torch-oracle.py; fixture in
// test/fixtures/oracle: beyond-rows.json and the mlp-{stablemax,orthograd,lrscale}-f64 runs, which
// share mlp-ce-f64's init). float64 runs: 300 full-batch AdamW steps must follow torch as the paper's
// f64 cases do (⊥Grad: see its check), and the same replay with the feature switched off must not. Rows: StableMax loss and
// autograd gradient, normal and saturated batches; the ⊥Grad projection of given (w, g). The bounds are
// what the code achieves, measured and stated beside each, with a little room. Needs no PyTorch.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Arena } from "../../src/base/arena.js";
import type { DType, FArray } from "../../src/base/dtype.js";
import { referenceKernels } from "../../src/kernels/reference.js";
import type { Kernels } from "../../src/kernels/types.js";
import { wasmKernelsSync } from "../../src/kernels/wasm.js";
import { ParamSet } from "../../src/models/params.js";
import { orthogonalizeGradients } from "../../src/train/orthograd.js";
import { ensureWasmBuilt } from "../kernels/helpers.js";
import { FIXTURES, loadCase, type OracleCase, type Replay, rel, replay, ulps } from "./helpers.js";

beforeAll(ensureWasmBuilt);



/** The largest deviation of a replay from torch: per-step loss and gradient norms (relative), final weights (relative to max(|w|, 1e-3)). */
function deviation(o: OracleCase, r: Replay): { steps: number; weights: number } {
  let steps = 0;
  r.steps.forEach((s, i) => {
    const t = o.steps[i]!;
    steps = Math.max(steps, rel(s.loss, t.loss), ...Object.entries(t.grad_norms).map(([k, g]) => rel(s.grad_norms[k]!, g)));
  });
  let weights = 0;
  for (const [k, w] of Object.entries(o.final)) w.forEach((v, j) => (weights = Math.max(weights, Math.abs(r.final[k]![j]! - v) / Math.max(Math.abs(v), 1e-3))));
  return { steps, weights };
}

/** Per-step relative deviation (loss and gradient norms) of replay a from steps b, the largest over steps [from, to). */
function stepDeviation(a: Replay["steps"], b: Replay["steps"], from = 0, to = b.length): number {
  let m = 0;
  for (let i = from; i < to; i++) m = Math.max(m, rel(a[i]!.loss, b[i]!.loss), ...Object.entries(b[i]!.grad_norms).map(([k, g]) => rel(a[i]!.grad_norms[k]!, g)));
  return m;
}

// measured (wasm kernels): StableMax steps ≤ 8.3e-16 and final weights ≤ 7.3e-14; lr scaling ≤ 9.9e-16 and 1.4e-13
const CASES: Array<[name: string, off: Record<string, unknown>]> = [
  ["mlp-stablemax-f64", { loss: "ce" }],
  ["mlp-lrscale-f64", { lr_scale_with_rho: false }],
];

describe("float64 runs follow PyTorch over 300 steps: StableMax, lr·ρ after t_int, ⊥Grad", () => {
  for (const [name, off] of CASES) {
    it(`${name}: every step's loss and gradient norms to 1e-12, the final weights to 1e-10; switched off (${JSON.stringify(off)}) it does not`, () => {
      const o = loadCase(name);
      expect(o.steps.length).toBe(300);
      const r = replay(name);
      expect(r.steps.length).toBe(o.steps.length);
      const d = deviation(o, r);
      expect(d.steps, "per-step loss and ‖∇‖, relative").toBeLessThanOrEqual(1e-12);
      expect(d.weights, "final weights, relative").toBeLessThanOrEqual(1e-10);
      // the fixture tells the feature apart: without it the trajectory leaves torch's by far more
      const without = deviation(o, replay(name, "wasm", off));
      expect(without.weights).toBeGreaterThan(1e-4);
    }, 120_000);
  }

  // ⊥Grad on this MLP's zero-initialised biases makes the trajectory amplify rounding: from step ~50 on,
  // differences grow about tenfold every 25 steps, and grokscale's own two backends (whose GEMMs round
  // differently) part from each other as fast as either parts from torch (measured per-step deviation at
  // steps 75/150/300: wasm–torch 1.9e-13/1.1e-9/8.6e-5, wasm–reference 8.4e-14/2.0e-10/5.2e-5; final
  // weights 0.15 vs 0.14). Projecting only the weight matrices keeps wasm–reference at 4e-16 over 300
  // steps (an experiment, not the code). So: the first 75 steps to 1e-12, and the rest as close to torch as
  // to each other.
  it("mlp-orthograd-f64: the first 75 steps to 1e-12; after them torch stays within the spread of grokscale's own backends", () => {
    const o = loadCase("mlp-orthograd-f64");
    expect(o.steps.length).toBe(300);
    const [w, r] = [replay("mlp-orthograd-f64", "wasm"), replay("mlp-orthograd-f64", "reference")];
    expect(stepDeviation(w.steps, o.steps, 0, 75)).toBeLessThanOrEqual(1e-12);
    expect(stepDeviation(r.steps, o.steps, 0, 75)).toBeLessThanOrEqual(1e-12);
    const spread = stepDeviation(w.steps, r.steps);
    expect(spread, "the two backends do part: the amplification is real").toBeGreaterThan(1e-9);
    expect(stepDeviation(w.steps, o.steps), "wasm–torch, within a few times wasm–reference").toBeLessThanOrEqual(4 * spread);
    expect(stepDeviation(r.steps, o.steps), "reference–torch, within a few times wasm–reference").toBeLessThanOrEqual(4 * spread);
    // switched off, the run leaves torch's at once (step 2: its first update already differs)
    const plain = replay("mlp-orthograd-f64", "wasm", { orthograd: false });
    expect(rel(plain.steps[1]!.loss, o.steps[1]!.loss)).toBeGreaterThan(1e-9);
  }, 120_000);

  it("mlp-lrscale-f64: identical to torch's plain-lr trajectory through t_int, the scaled lr after", () => {
    const o = loadCase("mlp-lrscale-f64");
    const plain = replay("mlp-lrscale-f64", "wasm", { lr_scale_with_rho: false });
    const tInt = o.config["t_int"] as number;
    // the loss of step t is computed before step t's update: steps 1..t_int+1 see no scaled lr yet
    for (let i = 0; i <= tInt; i++) expect(rel(plain.steps[i]!.loss, o.steps[i]!.loss), `step ${i + 1}`).toBeLessThanOrEqual(1e-12);
    expect(rel(plain.steps[tInt + 1]!.loss, o.steps[tInt + 1]!.loss)).toBeGreaterThan(1e-9);
  }, 60_000);
});

interface SmBatch {
  kind: "normal" | "saturated";
  rows: number;
  cols: number;
  tau: number;
  z: number[];
  y: number[];
  loss: number;
  dz: number[];
  softmax_collapsed: number;
  softmax_ce: number;
}
interface OgRow {
  kind: string;
  shape: number[];
  w: number[];
  g: number[];
  g_orth: number[];
}
interface BeyondRows {
  stablemax: Record<DType, SmBatch[]>;
  orthograd: Record<DType, OgRow[]>;
}
const rows = (): BeyondRows => JSON.parse(readFileSync(join(FIXTURES, "beyond-rows.json"), "utf8")) as BeyondRows;

describe("StableMax cross-entropy rows against torch autograd (published order: log(s/Σs), gather, −mean)", () => {
  const arena = new Arena(8);
  for (const dtype of ["f64", "f32"] as const) {
    const backends: Array<[string, () => Kernels]> = [
      ["reference", () => referenceKernels(dtype)],
      ["wasm", () => wasmKernelsSync(dtype, arena)],
    ];
    for (const [label, make] of backends) {
      // measured: f64 loss ≤ 2.0e-16 relative, dz ≤ 4.3e-16 relative per entry off the label, ≤ 1.8e-15 on
      // it; f32 loss ≤ 1 ulp, dz ≤ 2 ulps, except the label entries of saturated rows (8 ulps): there
      // dz_y = c·(1/Σs − 1/s_y) with s_y ≈ Σs, a difference that torch and we round in different orders
      it(`${dtype} ${label}: loss and dz on normal and saturated batches`, () => {
        const k = make();
        for (const b of rows().stablemax[dtype]) {
          const n = b.rows * b.cols;
          const mark = arena.mark();
          const z = arena.floats(dtype, n);
          z.set(b.z);
          const lab = arena.ints(b.rows);
          lab.set(b.y);
          const dz = arena.floats(dtype, n);
          const loss = k.stablemaxCrossEntropy(b.rows, b.cols, z, lab, b.tau, dz, 1);
          const what = `${b.kind} ${b.rows}×${b.cols} τ ${b.tau}`;
          const isLabel = (i: number) => i % b.cols === b.y[Math.floor(i / b.cols)];
          const worst = (f: (mine: number, torch: number) => number, onLabel: boolean) =>
            Math.max(...b.dz.map((g, i) => (isLabel(i) === onLabel ? f(dz[i]!, g) : 0)));
          if (dtype === "f64") {
            expect(rel(loss, b.loss), `${what} loss`).toBeLessThanOrEqual(1e-15);
            expect(worst(rel, false), `${what} dz off the label`).toBeLessThanOrEqual(1e-15);
            expect(worst(rel, true), `${what} dz at the label`).toBeLessThanOrEqual(4e-15);
          } else {
            expect(ulps(loss, b.loss), `${what} loss (ulps)`).toBeLessThanOrEqual(2);
            expect(worst(ulps, false), `${what} dz off the label (ulps)`).toBeLessThanOrEqual(3);
            expect(worst(ulps, true), `${what} dz at the label (ulps)`).toBeLessThanOrEqual(b.kind === "saturated" ? 16 : 3);
          }
          if (b.kind === "saturated") {
            // softmax has collapsed on every row (its CE is exactly 0); StableMax still has a loss and a gradient
            expect([b.softmax_collapsed, b.softmax_ce]).toEqual([b.rows, 0]);
            const st = k.logitStats(b.rows, b.cols, z, lab, b.tau, "stablemax");
            expect(st.collapsed).toBe(b.rows);
            expect(k.softmaxCrossEntropy(b.rows, b.cols, z, lab, b.tau, null, 1)).toBe(0);
            expect(loss).toBeGreaterThan(0.1);
            expect(st.lossSum / b.rows).toBe(loss);
            for (let i = 0; i < b.rows; i++) expect(dz[i * b.cols + b.y[i]!], `row ${i} label gradient`).toBeLessThan(0);
          }
          arena.release(mark);
        }
      });
    }
  }
});

describe("⊥Grad projection against torch's (published OrthoGrad, working dtype)", () => {
  for (const dtype of ["f64", "f32"] as const) {
    // measured: ‖g⊥ − torch‖∞ ≤ 1.07·‖g‖·ε/sin θ (f64) and 1.0·‖g‖·ε/sin θ (f32), ε the unit roundoff; the
    // nearly parallel row (sin θ = 0.028) agrees to 4.3e-15·‖g‖ in f64 and exactly in f32
    it(`${dtype}: g⊥ of each (w, g)`, () => {
      for (const row of rows().orthograd[dtype]) {
        const P = new ParamSet(new Arena(4), dtype, [{ name: "x", shape: row.shape, matrix: row.shape.length === 2 }]);
        P.data.set(row.w);
        P.grad.set(row.g);
        orthogonalizeGradients(P);
        const g: FArray = P.grad;
        const gNorm = Math.sqrt(row.g.reduce((s, v) => s + v * v, 0));
        const err = Math.max(...row.g_orth.map((v, i) => Math.abs(g[i]! - v))) / gNorm;
        if (row.kind === "zero_w") expect(Array.from(g)).toEqual(row.g_orth); // nothing to remove: g itself
        // ε·‖g‖/‖Pg‖ bounds both sides' rounding: the nearly parallel row cancels by a factor ~1/sin θ
        const wg = row.w.reduce((s, v, i) => s + v * row.g[i]!, 0);
        const ww = row.w.reduce((s, v) => s + v * v, 0);
        const sin = ww > 0 ? Math.sqrt(Math.max(0, 1 - (wg * wg) / (ww * gNorm * gNorm))) : 1;
        const eps = dtype === "f64" ? 2 ** -53 : 2 ** -24;
        expect(err / (eps / sin), `${row.kind} ${row.shape.join("×")}: ‖g⊥ − torch‖∞/‖g‖ in units of ε/sin θ`).toBeLessThanOrEqual(4);
      }
    });
  }
});
