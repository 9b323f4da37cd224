// The switches beyond the paper (orthograd, lr_scale_with_rho; docs/study.md §11) leave today's jobs
// alone: set false or absent, a config resolves to the same canonical JSON, cell id and job id as
// before they existed (ids pinned from commit b1b2b5a, the parent of the commit that added them), and a
// run gives the same bits. lr_scale_with_rho with ρ = 1 is the plain run bit for bit (lr·1 = lr); with
// ρ ≠ 1 it follows the plain run bit for bit through step t_int and departs from it at t_int + 1.
// Not here: whether ⊥Grad or the scaled lr are computed right (orthograd.test.ts, test/oracle).

import { describe, expect, it } from "vitest";
import { canonicalJson, ConfigError, type RunConfig, resolveConfig, stepLr } from "../../src/base/config.js";
import { cellIdOf, jobIdOf } from "../../src/experiments/sweep-spec.js";
import { runSeed } from "../../src/train/trainer.js";

// computed with resolveConfig, cellIdOf and jobIdOf as they were at b1b2b5a (before these fields existed)
const PINNED = [
  {
    input: { p: 7 },
    cell: "ed36ffc550a4ba6ddabe56f88ae1215d78eddd0832e2206efb4a1eb02e4b9594",
    job0: "4a4c5bebeeb2e1467421e6387b87d6574b4ad0ae4253b1bc937e42e155679210",
    job3: "b44da93aba28fba494b8f223f971437314b11f2b9ebedf6adb990df6fc3e9696",
  },
  {
    input: { p: 7, d_embed: 8, hidden: 16, steps: 50, wc: 6, t_int: 20, rho: 1.1 },
    cell: "2ace28b2643131e85ad2cd95f27d1711b9ce4bba153870f435e9152cf405d2a8",
    job0: "9de2606056be79f1f26cd673f41df4466078aabe3d169a041251835f9c89ffe0",
    job3: "5499419d31fe7b7d763a8bcda196be3e068f01e70130b8b4fccbb61daccaba5a",
  },
] as const;

describe("configs without the new switches hash as before", () => {
  for (const pin of PINNED) {
    it(`${JSON.stringify(pin.input)}: the pinned cell and job ids, with the switches absent or false`, () => {
      const plain = resolveConfig(pin.input);
      expect(cellIdOf(plain)).toBe(pin.cell);
      expect([jobIdOf(plain, 0), jobIdOf(plain, 3)]).toEqual([pin.job0, pin.job3]);
      for (const off of [{ orthograd: false }, { lr_scale_with_rho: false }, { orthograd: false, lr_scale_with_rho: false }]) {
        const c = resolveConfig({ ...pin.input, ...off });
        expect(canonicalJson(c)).toBe(canonicalJson(plain));
        expect(Object.keys(c)).not.toContain("orthograd");
        expect(Object.keys(c)).not.toContain("lr_scale_with_rho");
        expect([cellIdOf(c), jobIdOf(c, 0), jobIdOf(c, 3)]).toEqual([pin.cell, pin.job0, pin.job3]);
      }
    });
  }

  it("switched on, they are part of the config and of its ids", () => {
    const base = PINNED[1].input;
    const on = [resolveConfig({ ...base, orthograd: true }), resolveConfig({ ...base, lr_scale_with_rho: true })];
    const ids = on.map(cellIdOf);
    expect(new Set([...ids, PINNED[1].cell]).size).toBe(3);
    expect(canonicalJson(on[0])).toContain('"orthograd":true');
    expect(canonicalJson(on[1])).toContain('"lr_scale_with_rho":true');
  });

  it("lr_scale_with_rho on a free run (wc null) is one clear error naming the field; false there is fine", () => {
    expect(() => resolveConfig({ p: 7, lr_scale_with_rho: true })).toThrow(ConfigError);
    expect(() => resolveConfig({ p: 7, lr_scale_with_rho: true })).toThrow(/^invalid config field "lr_scale_with_rho": .*\(got true\)$/);
    expect(cellIdOf(resolveConfig({ p: 7, lr_scale_with_rho: false }))).toBe(PINNED[0].cell);
    expect(() => resolveConfig({ p: 7, orthograd: "yes" })).toThrow(/orthograd/);
  });

  it("stepLr: lr through step t_int, lr·ρ after it, only with the switch and a clamp", () => {
    const c = resolveConfig({ ...PINNED[1].input, lr_scale_with_rho: true });
    expect([1, 19, 20, 21, 50].map((t) => stepLr(c, t))).toEqual([1e-3, 1e-3, 1e-3, 1e-3 * 1.1, 1e-3 * 1.1]);
    const plain = resolveConfig(PINNED[1].input);
    expect([1, 20, 21, 50].map((t) => stepLr(plain, t))).toEqual([1e-3, 1e-3, 1e-3, 1e-3]);
  });
});

/** Every step's weights (the bytes of P.data after the update and the clamp) and the logged rows. */
function trajectory(cfg: RunConfig): { weights: Buffer[]; log: string } {
  const weights: Buffer[] = [];
  const out = runSeed(cfg, 0, {
    onStep: (_t, _loss, s) => {
      const d = s.model.params.data;
      weights.push(Buffer.from(new Uint8Array(d.buffer, d.byteOffset, d.byteLength)));
    },
  });
  if (out.stopped) throw new Error("stopped");
  return { weights, log: JSON.stringify(out.result.log.map(({ step, train_loss, test_loss, weight_norm }) => [step, train_loss, test_loss, weight_norm])) };
}

/** The first step (1-based) whose weights differ in any bit, or null. */
function firstDifference(a: Buffer[], b: Buffer[]): number | null {
  expect(a.length).toBe(b.length);
  const i = a.findIndex((w, j) => !w.equals(b[j]!));
  return i < 0 ? null : i + 1;
}

describe("runs: the switches off are today's bits; lr scaling changes nothing up to t_int", () => {
  const RUN = { p: 7, d_embed: 8, hidden: 16, steps: 40, eval_every: 10, log_every: 10, wc: 6, t_int: 20 } as const;

  for (const dtype of ["f32", "f64"] as const) {
    it(`${dtype}: lr_scale_with_rho false and orthograd false give the plain run's bits`, () => {
      const plain = trajectory(resolveConfig({ ...RUN, dtype, rho: 1.1 }));
      for (const off of [{ lr_scale_with_rho: false }, { orthograd: false }]) {
        const t = trajectory(resolveConfig({ ...RUN, dtype, rho: 1.1, ...off }));
        expect(firstDifference(t.weights, plain.weights)).toBeNull();
        expect(t.log).toBe(plain.log);
      }
    });

    it(`${dtype}: lr_scale_with_rho with ρ = 1 is the plain run bit for bit`, () => {
      const plain = trajectory(resolveConfig({ ...RUN, dtype, rho: 1 }));
      const scaled = trajectory(resolveConfig({ ...RUN, dtype, rho: 1, lr_scale_with_rho: true }));
      expect(firstDifference(scaled.weights, plain.weights)).toBeNull();
      expect(scaled.log).toBe(plain.log);
    });

    it(`${dtype}: lr_scale_with_rho with ρ = 0.8 follows the plain run through step t_int = 20, then departs`, () => {
      const plain = trajectory(resolveConfig({ ...RUN, dtype, rho: 0.8 }));
      const scaled = trajectory(resolveConfig({ ...RUN, dtype, rho: 0.8, lr_scale_with_rho: true }));
      expect(firstDifference(scaled.weights, plain.weights)).toBe(RUN.t_int + 1);
      // and every later step differs too (the scaled lr keeps acting)
      for (let t = RUN.t_int + 1; t <= RUN.steps; t++) expect(scaled.weights[t - 1]!.equals(plain.weights[t - 1]!), `step ${t}`).toBe(false);
    });
  }

  it("orthograd true changes the run from step 1", () => {
    const plain = trajectory(resolveConfig({ ...RUN, rho: 1.1 }));
    const og = trajectory(resolveConfig({ ...RUN, rho: 1.1, orthograd: true }));
    expect(firstDifference(og.weights, plain.weights)).toBe(1);
  });
});
