// StableMax cross-entropy (src/kernels/stablemax.ts) against float64 central finite differences and
// against the loss written straight from its definition (Prieto et al. 2025): the kernel on its own,
// through the tape (lossOp), and the whole MLP trained with loss "stablemax". Logits are kept away from
// x = 0, where s'' jumps (s is C¹ there, so only the difference quotient's error would suffer).
// Measured: gradients within 8e-9 of max|fd| (h = 1e-6, the difference quotient's round-off), hence 2e-8.
// Not here: reference vs wasm bits (test/kernels/stablemax-equivalence.test.ts) or PyTorch (test/oracle).
import { describe, expect, it } from "vitest";
import { referenceKernels } from "../../src/kernels/reference.js";
import { Mlp } from "../../src/models/mlp.js";
import { lossOp, scale } from "../../src/tensor/ops/index.js";
import { Tape } from "../../src/tensor/tape.js";
import { f64Ctx, gradCheck, indices, param, Rng } from "../helpers/gradcheck.js";

/** The definition, in float64, written independently of the kernel: mean of log Σ_k s(x_k) − log s(x_y). */
function definition(rows: number, cols: number, z: ArrayLike<number>, y: ArrayLike<number>, tau: number): number {
  const s = (x: number) => (x >= 0 ? x + 1 : 1 / (1 - x));
  let total = 0;
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    for (let k = 0; k < cols; k++) sum += s(z[i * cols + k]! / tau);
    total += Math.log(sum) - Math.log(s(z[i * cols + y[i]!]! / tau));
  }
  return total / rows;
}

/** Random logits of scale `sd`, none within `gap` of zero (after dividing by τ). */
function logits(rng: Rng, n: number, sd: number, gap: number, tau: number): Float64Array {
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    do z[i] = rng.normal() * sd;
    while (Math.abs(z[i]! / tau) < gap);
  }
  return z;
}

/** max_i |dz_i − fd_i| / max|fd| of the kernel's gradient against central differences of its loss. */
function kernelFdError(rows: number, cols: number, z: Float64Array, y: Int32Array, tau: number, h: number): number {
  const k = referenceKernels("f64");
  const dz = new Float64Array(rows * cols);
  k.stablemaxCrossEntropy(rows, cols, z, y, tau, dz, 1);
  const fd = new Float64Array(rows * cols);
  for (let i = 0; i < z.length; i++) {
    const x0 = z[i]!;
    z[i] = x0 + h;
    const up = k.stablemaxCrossEntropy(rows, cols, z, y, tau, null, 1);
    z[i] = x0 - h;
    const down = k.stablemaxCrossEntropy(rows, cols, z, y, tau, null, 1);
    z[i] = x0;
    fd[i] = (up - down) / (2 * h);
  }
  const sc = Math.max(...Array.from(fd, Math.abs));
  return Math.max(...Array.from(dz, (g, i) => Math.abs(g - fd[i]!) / sc));
}

describe("StableMax cross-entropy, float64 kernel", () => {
  const rng = new Rng(11, "stablemax-fd");
  const [rows, cols] = [6, 19]; // 19 ≥ 8 lanes: the lane-order sum is exercised
  const y = Int32Array.from({ length: rows }, (_, i) => (i * 7) % cols);

  for (const tau of [1, 1.7, 0.35]) {
    it(`gradient = central differences and loss = the definition, tau ${tau}`, () => {
      const z = logits(rng, rows * cols, 3, 1e-3, tau);
      expect(kernelFdError(rows, cols, z, y, tau, 1e-6)).toBeLessThan(2e-8);
      const k = referenceKernels("f64");
      const got = k.stablemaxCrossEntropy(rows, cols, z, y, tau, null, 1);
      expect(Math.abs(got - definition(rows, cols, z, y, tau))).toBeLessThan(1e-14 * got);
      // the upstream scale multiplies the gradient
      const [d1, d3] = [new Float64Array(z.length), new Float64Array(z.length)];
      k.stablemaxCrossEntropy(rows, cols, z, y, tau, d1, 1);
      k.stablemaxCrossEntropy(rows, cols, z, y, tau, d3, 3);
      d1.forEach((g, i) => expect(Math.abs(d3[i]! - 3 * g)).toBeLessThanOrEqual(1e-15 * Math.abs(3 * g)));
    });
  }

  it("large logits, where softmax cross-entropy is exactly 0 in float64, still give a loss and its gradient", () => {
    // correct class 800 above the rest: exp(−800) underflows, so log-softmax gives 0 loss and 0 gradient
    const z = logits(rng, rows * cols, 1, 1e-3, 1);
    for (let i = 0; i < rows; i++) z[i * cols + y[i]!] = 800 + i;
    const k = referenceKernels("f64");
    const ce = k.softmaxCrossEntropy(rows, cols, z, y, 1, null, 1);
    expect(ce).toBe(0);
    const sm = k.stablemaxCrossEntropy(rows, cols, z, y, 1, null, 1);
    expect(sm).toBeGreaterThan(1e-3);
    expect(Math.abs(sm - definition(rows, cols, z, y, 1))).toBeLessThan(1e-13 * sm);
    expect(kernelFdError(rows, cols, z, y, 1, 1e-4)).toBeLessThan(2e-8);
  });
});

describe("StableMax cross-entropy through the tape (lossOp, float64)", () => {
  const ctx = f64Ctx();
  const rng = new Rng(12, "stablemax-tape");

  for (const tau of [1, 1.7]) {
    it(`lossOp("stablemax") gradient check, tau ${tau}`, () => {
      const z = param(ctx, [5, 9], rng, 2);
      z.data.set(logits(rng, 45, 2, 1e-3, tau));
      const y = indices(ctx, [0, 8, 3, 3, 5]);
      expect(gradCheck(ctx, [z], (t) => lossOp(t, "stablemax", z, y, tau))).toBeLessThan(2e-8);
      expect(gradCheck(ctx, [z], (t) => scale(t, lossOp(t, "stablemax", z, y, tau), 3))).toBeLessThan(2e-8);
      const mark = ctx.arena.mark();
      const v = lossOp(new Tape(ctx, false), "stablemax", z, y, tau).data[0]!;
      ctx.arena.release(mark);
      expect(Math.abs(v - definition(5, 9, z.data, y, tau))).toBeLessThan(1e-14 * v);
    });
  }

  for (const tau of [1, 1.5]) {
    it(`whole MLP with loss "stablemax": gradient check of every parameter, tau ${tau}`, () => {
      const p = 7;
      const mlp = new Mlp(ctx.arena, "f64", { p, d: 3, hidden: 5 });
      mlp.init(new Rng(3, "init"));
      const r = new Rng(4);
      for (const name of ["b1", "b2"]) mlp.params.tensor(name).data.forEach((_, i, a) => (a[i] = r.normal() * 0.3));
      const a = indices(ctx, [0, 1, 6, 3, 2, 2, 5]);
      const b = indices(ctx, [4, 1, 0, 3, 2, 6, 5]);
      const y = indices(ctx, [4, 2, 6, 6, 4, 1, 3]);
      // the logits the check differentiates at lie away from the kink at 0 by far more than the step h
      const mark = ctx.arena.mark();
      const z = mlp.forward(new Tape(ctx, false), a, b).data;
      expect(Math.min(...Array.from(z, (x) => Math.abs(x / tau)))).toBeGreaterThan(1e-4);
      ctx.arena.release(mark);
      const all = mlp.params.entries.map((e) => mlp.params.tensor(e.name));
      expect(gradCheck(ctx, all, (t) => lossOp(t, "stablemax", mlp.forward(t, a, b), y, tau))).toBeLessThan(2e-8);
    });
  }
});
