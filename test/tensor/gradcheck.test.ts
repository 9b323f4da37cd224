// Float64 gradient checks of every tensor primitive against central finite differences.
import { describe, expect, it } from "vitest";
import { add, addBias, gatherAdd2, gatherAdd2Gelu, gatherRows, gelu, linear, lossOp, matmul, mul, rowsView, scale, sum, sumRowsOp } from "../../src/tensor/ops/index.js";
import { Tape, type Tensor } from "../../src/tensor/tape.js";
import { f64Ctx, gradCheck, indices, param, Rng } from "../helpers/gradcheck.js";

const TOL = 1e-6;

/** Reduces any tensor to a scalar with fixed random weights, so every output entry matters. */
function weighted(tape: Tape, y: Tensor, seed = 99): Tensor {
  const r = new Rng(seed);
  const w = tape.constant(y.shape, Array.from({ length: y.size }, () => r.normal()));
  return sum(tape, mul(tape, y, w));
}

describe("gradient checks (f64, central differences)", () => {
  const ctx = f64Ctx();
  const rng = new Rng(1);

  it("matmul A·B and A·Bᵀ", () => {
    const a = param(ctx, [3, 4], rng);
    const b = param(ctx, [4, 5], rng);
    const bt = param(ctx, [5, 4], rng);
    expect(gradCheck(ctx, [a, b], (t) => weighted(t, matmul(t, a, b)))).toBeLessThan(TOL);
    expect(gradCheck(ctx, [a, bt], (t) => weighted(t, matmul(t, a, bt, true)))).toBeLessThan(TOL);
  });

  it("addBias and linear", () => {
    const x = param(ctx, [4, 3], rng);
    const w = param(ctx, [3, 2], rng);
    const b = param(ctx, [2], rng);
    const c = param(ctx, [3], rng);
    expect(gradCheck(ctx, [x, c], (t) => weighted(t, addBias(t, x, c)))).toBeLessThan(TOL);
    expect(gradCheck(ctx, [x, w, b], (t) => weighted(t, linear(t, x, w, b)))).toBeLessThan(TOL);
  });

  it("add, mul, scale, sum, column sums", () => {
    const a = param(ctx, [2, 3], rng);
    const b = param(ctx, [2, 3], rng);
    expect(gradCheck(ctx, [a, b], (t) => weighted(t, add(t, a, b)))).toBeLessThan(TOL);
    expect(gradCheck(ctx, [a, b], (t) => weighted(t, mul(t, a, b)))).toBeLessThan(TOL);
    expect(gradCheck(ctx, [a], (t) => weighted(t, scale(t, a, -1.7)))).toBeLessThan(TOL);
    expect(gradCheck(ctx, [a], (t) => weighted(t, sumRowsOp(t, a)))).toBeLessThan(TOL);
  });

  it("GELU (exact erf), including large |x|", () => {
    const x = param(ctx, [3, 5], rng, 3);
    expect(gradCheck(ctx, [x], (t) => weighted(t, gelu(t, x)))).toBeLessThan(TOL);
  });

  it("gather and gatherAdd2 with repeated indices", () => {
    const tab = param(ctx, [5, 3], rng);
    const tab2 = param(ctx, [5, 3], rng);
    const bias = param(ctx, [3], rng);
    const ia = indices(ctx, [0, 2, 2, 4, 1, 0]);
    const ib = indices(ctx, [3, 3, 1, 0, 4, 2]);
    expect(gradCheck(ctx, [tab], (t) => weighted(t, gatherRows(t, tab, ia)))).toBeLessThan(TOL);
    expect(gradCheck(ctx, [tab, tab2, bias], (t) => weighted(t, gatherAdd2(t, tab, ia, tab2, ib, bias)))).toBeLessThan(TOL);
    expect(gradCheck(ctx, [tab, tab2, bias], (t) => weighted(t, gatherAdd2Gelu(t, tab, ia, tab2, ib, bias)))).toBeLessThan(TOL);
  });

  it("row views share gradient storage with their parent", () => {
    const w = param(ctx, [4, 3], rng);
    const x = param(ctx, [2, 3], rng);
    expect(gradCheck(ctx, [w, x], (t) => weighted(t, add(t, rowsView(t, w, 1, 2), x)))).toBeLessThan(TOL);
  });

  for (const kind of ["ce", "mse"] as const) {
    for (const tau of [1, 1.7]) {
      it(`${kind} loss, tau ${tau}`, () => {
        const z = param(ctx, [4, 5], rng, 2);
        const y = indices(ctx, [0, 4, 2, 2]);
        expect(gradCheck(ctx, [z], (t) => lossOp(t, kind, z, y, tau))).toBeLessThan(TOL);
        // the loss scaled downstream: upstream gradients other than 1 are honoured
        expect(gradCheck(ctx, [z], (t) => scale(t, lossOp(t, kind, z, y, tau), 3))).toBeLessThan(TOL);
      });
    }
  }

  it("the loss values are the textbook formulas", () => {
    const z = param(ctx, [2, 3], rng);
    const y = indices(ctx, [1, 2]);
    const tau = 1.3;
    let ce = 0;
    let mse = 0;
    for (let i = 0; i < 2; i++) {
      const row = [0, 1, 2].map((k) => z.data[i * 3 + k]! / tau);
      const lse = Math.log(row.reduce((a, v) => a + Math.exp(v), 0));
      ce += lse - row[y[i]!]!;
      mse += row.reduce((a, v, k) => a + (v - (k === y[i] ? 1 : 0)) ** 2, 0);
    }
    const run = (kind: "ce" | "mse") => {
      const mark = ctx.arena.mark();
      const v = lossOp(new Tape(ctx, false), kind, z, y, tau).data[0]!;
      ctx.arena.release(mark);
      return v;
    };
    expect(run("ce")).toBeCloseTo(ce / 2, 12);
    expect(run("mse")).toBeCloseTo(mse / 2, 12);
  });
});

