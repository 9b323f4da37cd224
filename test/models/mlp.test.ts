// The MLP: whole-model float64 gradient check, the factored first layer equals the concatenated form.
import { describe, expect, it } from "vitest";
import { Mlp } from "../../src/models/mlp.js";
import { lossOp } from "../../src/tensor/ops/index.js";
import { Tape } from "../../src/tensor/tape.js";
import { f64Ctx, gradCheck, indices, Rng } from "../helpers/gradcheck.js";

const erfGelu = (x: number): number => {
  // independent GELU through a high-order series of erf, for the concatenated-form check
  const t = x / Math.SQRT2;
  let sumv = 0;
  let term = t;
  for (let n = 0; n < 80; n++) {
    sumv += term / (2 * n + 1);
    term *= (-t * t) / (n + 1);
  }
  return 0.5 * x * (1 + (2 / Math.sqrt(Math.PI)) * sumv);
};

describe("MLP", () => {
  const ctx = f64Ctx();
  const p = 5;
  const mlp = new Mlp(ctx.arena, "f64", { p, d: 3, hidden: 4 });
  mlp.init(new Rng(3, "init"));
  // non-zero biases so their gradients are exercised
  const r = new Rng(4);
  for (const name of ["b1", "b2"]) mlp.params.tensor(name).data.forEach((_, i, a) => (a[i] = r.normal() * 0.3));
  const a = indices(ctx, [0, 1, 4, 3, 2, 2]);
  const b = indices(ctx, [4, 1, 0, 3, 2, 1]);
  const y = indices(ctx, [4, 2, 4, 1, 4, 3]);
  const all = mlp.params.entries.map((e) => mlp.params.tensor(e.name));

  for (const kind of ["ce", "mse"] as const) {
    it(`whole-model gradient check, ${kind}, tau 1.5`, () => {
      expect(gradCheck(ctx, all, (t) => lossOp(t, kind, mlp.forward(t, a, b), y, 1.5))).toBeLessThan(1e-6);
    });
  }

  it("the factored first layer equals GELU([E_a; E_b]·W1 + b1)·W2 + b2", () => {
    const P = mlp.params;
    const [E, W1, b1, W2, b2] = ["E", "W1", "b1", "W2", "b2"].map((n) => P.tensor(n).data);
    const mark = ctx.arena.mark();
    const z = mlp.forward(new Tape(ctx, false), a, b).data;
    for (let i = 0; i < a.length; i++) {
      const x = [...E!.subarray(a[i]! * 3, a[i]! * 3 + 3), ...E!.subarray(b[i]! * 3, b[i]! * 3 + 3)];
      const h = [0, 1, 2, 3].map((j) => erfGelu(x.reduce((s, xv, kk) => s + xv * W1![kk * 4 + j]!, b1![j]!)));
      for (let c = 0; c < p; c++) {
        const want = h.reduce((s, hv, j) => s + hv * W2![j * p + c]!, b2![c]!);
        expect(z[i * p + c]).toBeCloseTo(want, 12);
      }
    }
    ctx.arena.release(mark);
  });

  it("init draws N(0,1)/sqrt(fan_in) and zero biases", () => {
    const big = new Mlp(f64Ctx(16).arena, "f64", { p: 59, d: 128, hidden: 256 });
    big.init(new Rng(0, "init"));
    const rms = (n: string) => {
      const d = big.params.tensor(n).data;
      return Math.sqrt(Array.from(d).reduce((s, v) => s + v * v, 0) / d.length);
    };
    expect(rms("E")).toBeCloseTo(1 / Math.sqrt(128), 2);
    expect(rms("W1")).toBeCloseTo(1 / Math.sqrt(256), 2);
    expect(rms("W2")).toBeCloseTo(1 / Math.sqrt(256), 2);
    expect(rms("b1")).toBe(0);
  });
});
