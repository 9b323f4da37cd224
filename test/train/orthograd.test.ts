// ⊥Grad (src/train/orthograd.ts) against its definition: per tensor, the gradient it leaves is
// orthogonal to the weights and as long as the gradient was, and equals ‖g‖·Pg/‖Pg‖ with the projection
// P = I − wwᵀ/(wᵀw) built as an explicit float64 matrix (an independent evaluation of the same map); a
// plain step along it keeps w·Δw ≈ 0; and in a training run the gradients AdamW receives are orthogonal
// per tensor to the weights they were computed at. Measured on random (w, g) with cos(w, g) ≥ 0.05:
// |cos(w, g⊥)| ≤ 6.1e-16 (f64) / 3.7e-8 (f32); |‖g⊥‖/‖g‖ − 1| ≤ 1.1e-16 / 5.2e-9; distance to the
// matrix form ≤ 3.8e-16 / 2.7e-8 of ‖g‖. Training runs: see the comment above the trainer checks. Not here: PyTorch's OrthoGrad (test/oracle/beyond-oracle.test.ts).

import { describe, expect, it } from "vitest";
import { Arena } from "../../src/base/arena.js";
import { resolveConfig } from "../../src/base/config.js";
import type { DType, FArray } from "../../src/base/dtype.js";
import { Rng } from "../../src/base/rng.js";
import { ParamSet } from "../../src/models/params.js";
import { orthogonalizeGradients } from "../../src/train/orthograd.js";
import { runSeed } from "../../src/train/trainer.js";
import { lossOp } from "../../src/tensor/ops/loss.js";
import { Tape } from "../../src/tensor/tape.js";

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};
const norm = (a: ArrayLike<number>) => Math.sqrt(dot(a, a));

/** ‖g‖·Pg/‖Pg‖ with P = I − wwᵀ/(wᵀw) as an n×n float64 matrix (w = 0: P = I). */
function byMatrix(w: ArrayLike<number>, g: ArrayLike<number>): Float64Array {
  const n = w.length;
  const ww = dot(w, w);
  const Pg = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += ((i === j ? 1 : 0) - (ww > 0 ? (w[i]! * w[j]!) / ww : 0)) * g[j]!;
    Pg[i] = s;
  }
  const c = norm(g) / norm(Pg);
  return Pg.map((x) => x * c);
}

const SPECS = [
  { name: "E", shape: [13, 8], matrix: true },
  { name: "W1", shape: [16, 24], matrix: true },
  { name: "W2", shape: [24, 13], matrix: true },
  { name: "b1", shape: [24], matrix: false },
  { name: "b2", shape: [13], matrix: false },
];

/** A parameter set with random weights (b2 zero, as at init) and random gradients with a large component along w. */
function randomSet(dtype: DType, seed: number): ParamSet {
  const P = new ParamSet(new Arena(4), dtype, SPECS);
  const rng = new Rng(seed, "orthograd");
  for (const e of P.entries) {
    const w = P.slice(P.data, e.name);
    const g = P.slice(P.grad, e.name);
    for (let i = 0; i < e.size; i++) w[i] = e.name === "b2" ? 0 : rng.normal() * 0.3;
    const along = rng.normal() * 2; // gradients that would mostly rescale w
    for (let i = 0; i < e.size; i++) g[i] = rng.normal() + along * w[i]!;
  }
  return P;
}

const copyOf = (P: ParamSet, buf: FArray) => Object.fromEntries(P.entries.map((e) => [e.name, Float64Array.from(P.slice(buf, e.name))]));

for (const [dtype, cosTol, normTol, defTol] of [["f64", 2e-15, 1e-15, 1e-14], ["f32", 2e-7, 1e-7, 3e-7]] as const) {
  describe(`⊥Grad, ${dtype}`, () => {
    it(`w·g⊥ ≤ ${cosTol}·‖w‖‖g⊥‖ and ‖g⊥‖ = ‖g‖ to ${normTol}, per tensor`, () => {
      for (const seed of [1, 2, 3]) {
        const P = randomSet(dtype, seed);
        const before = copyOf(P, P.grad);
        orthogonalizeGradients(P);
        for (const e of P.entries) {
          const [w, g0, g] = [P.slice(P.data, e.name), before[e.name]!, P.slice(P.grad, e.name)];
          if (norm(w) > 0) expect(Math.abs(dot(w, g0)) / (norm(w) * norm(g0)), `${e.name}: the input is far from orthogonal`).toBeGreaterThan(0.05);
          expect(Math.abs(dot(w, g)) / (norm(w) * norm(g) || 1), `${e.name} cos(w, g⊥)`).toBeLessThanOrEqual(cosTol);
          expect(Math.abs(norm(g) / norm(g0) - 1), `${e.name} ‖g⊥‖/‖g‖ − 1`).toBeLessThanOrEqual(normTol);
        }
      }
    });

    it(`equals ‖g‖·Pg/‖Pg‖ with P = I − wwᵀ/(wᵀw) as a float64 matrix, to ${defTol} of ‖g‖`, () => {
      const P = randomSet(dtype, 4);
      const [w0, g0] = [copyOf(P, P.data), copyOf(P, P.grad)];
      orthogonalizeGradients(P);
      for (const e of P.entries) {
        const want = byMatrix(w0[e.name]!, g0[e.name]!);
        const got = P.slice(P.grad, e.name);
        const err = Math.max(...Array.from(got, (x, i) => Math.abs(x - want[i]!)));
        expect(err / norm(g0[e.name]!), e.name).toBeLessThanOrEqual(defTol);
      }
    });

    it("depends only on the direction of g's part orthogonal to w: g + a·w gives the same direction", () => {
      const P = randomSet(dtype, 5);
      const w0 = copyOf(P, P.data);
      const g0 = copyOf(P, P.grad);
      orthogonalizeGradients(P);
      const out0 = copyOf(P, P.grad);
      for (const e of P.entries) {
        const g = P.slice(P.grad, e.name);
        for (let i = 0; i < e.size; i++) g[i] = g0[e.name]![i]! - 3.5 * w0[e.name]![i]!;
      }
      orthogonalizeGradients(P);
      for (const e of P.entries) {
        const [a, b] = [out0[e.name]!, P.slice(P.grad, e.name)];
        const [na, nb] = [norm(a), norm(b)];
        const err = Math.max(...Array.from(a, (x, i) => Math.abs(x / na - b[i]! / nb)));
        expect(err, e.name).toBeLessThanOrEqual(defTol * 10);
      }
    });
  });
}

describe("⊥Grad's update", () => {
  it("a plain step w − lr·g⊥ is orthogonal to w (f64) and so never shrinks ‖w‖", () => {
    const P = randomSet("f64", 6);
    orthogonalizeGradients(P);
    for (const e of P.entries) {
      const w = P.slice(P.data, e.name);
      const g = P.slice(P.grad, e.name);
      const step = Array.from(g, (x) => -0.01 * x);
      const w1 = Array.from(w, (x, i) => x + step[i]!);
      if (norm(w) === 0) continue;
      expect(Math.abs(dot(w, step)) / (norm(w) * norm(step))).toBeLessThanOrEqual(1e-15);
      // Pythagoras: ‖w + Δ‖² = ‖w‖² + ‖Δ‖²
      expect(Math.abs(dot(w1, w1) - (dot(w, w) + dot(step, step)))).toBeLessThanOrEqual(1e-14 * dot(w, w));
    }
  });

  // A training run's raw gradients come close to w (cos up to 0.99998 here: the loss falls fastest by
  // scaling the weights up, the direction ⊥Grad removes), so g − proj·w cancels: the part kept carries the
  // rounding of the whole of g, and cos(w, g⊥) is of order ε·‖g‖/‖Pg‖ = ε/sin θ, not ε. Measured: at most
  // 2.7e-14 (f64) and 9.6e-6 (f32) over this run; per tensor ≤ 4.8·ε/sin θ (f64) and 2.3·ε/sin θ (f32),
  // with ε the unit roundoff; bound 10. Against the definition: within 4.3·‖g‖·ε/sin θ.
  for (const dtype of ["f64", "f32"] as const) {
    it(`${dtype}: in training, AdamW receives ⊥Grad of the raw gradient at the weights it was computed at, orthogonal to them within 10ε/sin θ`, () => {
      const eps = dtype === "f64" ? 2 ** -53 : 2 ** -24;
      const cfg = resolveConfig({ p: 11, d_embed: 8, hidden: 16, steps: 60, eval_every: 60, log_every: 60, dtype, wc: 5, t_int: 30, orthograd: true });
      let at: Record<string, Float64Array> = {}; // the weights step t's gradient is computed at
      let [checked, nearlyParallel, worstRatio, worstDef] = [0, 0, 0, 0];
      runSeed(cfg, 0, {
        onOpen: (s) => (at = copyOf(s.model.params, s.model.params.data)),
        onStep: (_t, _loss, s) => {
          const P = s.model.params;
          const received = copyOf(P, P.grad);
          const after = copyOf(P, P.data);
          // the raw gradient at `at`, recomputed through the tape; then the state is put back
          for (const e of P.entries) P.slice(P.data, e.name).set(at[e.name]!);
          P.grad.fill(0);
          const mark = s.ctx.arena.mark();
          const tape = new Tape(s.ctx);
          tape.backward(lossOp(tape, cfg.loss, s.model.forward(tape, s.trainA, s.trainB), s.trainY, cfg.tau));
          s.ctx.arena.release(mark);
          const raw = copyOf(P, P.grad);
          for (const e of P.entries) P.slice(P.data, e.name).set(after[e.name]!);
          for (const e of P.entries) P.slice(P.grad, e.name).set(received[e.name]!);
          for (const e of P.entries) {
            const [w, g, g0] = [at[e.name]!, received[e.name]!, raw[e.name]!];
            if (norm(w) === 0) continue; // b2 at init: nothing to be orthogonal to
            const cosRaw = Math.abs(dot(w, g0)) / (norm(w) * norm(g0));
            const sin = Math.sqrt(1 - cosRaw * cosRaw);
            if (cosRaw > 0.99) nearlyParallel++;
            const cos = Math.abs(dot(w, g)) / (norm(w) * norm(g));
            worstRatio = Math.max(worstRatio, cos / (eps / sin));
            const want = byMatrix(w, g0);
            worstDef = Math.max(worstDef, Math.max(...Array.from(g, (x, i) => Math.abs(x - want[i]!))) / (norm(g0) * (eps / sin)));
            checked++;
          }
          at = after;
        },
      });
      expect(checked).toBeGreaterThan(60 * 4);
      expect(nearlyParallel, "raw gradients within 8° of w").toBeGreaterThan(10);
      expect(worstRatio, "max cos(w, g⊥) / (ε/sin θ)").toBeLessThanOrEqual(10);
      // and it is the map itself, evaluated independently: ‖g⊥ − ‖g‖·Pg/‖Pg‖‖∞ within a few ε/sin θ of ‖g‖
      expect(worstDef, "max |g⊥ − definition| / (‖g‖·ε/sin θ)").toBeLessThanOrEqual(10);
    }, 60_000);

    it(`${dtype}: without ⊥Grad, the same run's gradients are far from orthogonal to the weights`, () => {
      const cfg = resolveConfig({ p: 11, d_embed: 8, hidden: 16, steps: 60, eval_every: 60, log_every: 60, dtype, wc: 5, t_int: 30 });
      let at: Record<string, Float64Array> = {};
      let worst = 0;
      runSeed(cfg, 0, {
        onOpen: (s) => (at = copyOf(s.model.params, s.model.params.data)),
        onStep: (_t, _loss, s) => {
          const P = s.model.params;
          for (const e of P.entries) {
            const [w, g] = [at[e.name]!, P.slice(P.grad, e.name)];
            if (norm(w) > 0) worst = Math.max(worst, Math.abs(dot(w, g)) / (norm(w) * norm(g)));
          }
          at = copyOf(P, P.data);
        },
      });
      expect(worst).toBeGreaterThan(0.5);
    }, 60_000);
  }
});
