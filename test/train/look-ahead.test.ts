// The trainer's look-ahead: at an evaluation the next step's forward pass over the training set is taken
// ahead and its logits stand for the evaluation's train block. That is sound only if a recording forward
// gives the same logits, bit for bit, as the evaluation's own non-recording pass, and if the train
// block's statistics come out the same from them, row chunks included. Checked here on trained
// parameters for both models, both dtypes and both kernel sets.
import { beforeAll, describe, expect, it } from "vitest";
import { type RunConfigInput, resolveConfig } from "../../src/base/config.js";
import { evaluate } from "../../src/metrics/evaluate.js";
import { Tape } from "../../src/tensor/tape.js";
import type { Session } from "../../src/train/session.js";
import { runSeed } from "../../src/train/trainer.js";
import { ensureWasmBuilt } from "../kernels/helpers.js";

beforeAll(ensureWasmBuilt);

/** A session after `steps` steps of training (the run's own session, seen through onOpen). */
function trained(input: RunConfigInput, steps: number): Session {
  let s: Session | null = null;
  const out = runSeed(resolveConfig({ ...input, steps, eval_every: 10, log_every: 10 }), 2, { onOpen: (x) => (s = x) });
  if (out.stopped || s === null) throw new Error("no session");
  return s;
}

const CASES: Array<[string, RunConfigInput]> = [
  ["mlp f32 wasm", { p: 23, dtype: "f32", kernels: "wasm", wc: 20, t_int: 5 }],
  ["mlp f64 wasm", { p: 23, dtype: "f64", kernels: "wasm", tau: 1.3 }],
  ["mlp f32 reference", { p: 11, d_embed: 8, hidden: 16, dtype: "f32", kernels: "reference" }],
  ["mlp mse f32 wasm", { p: 17, dtype: "f32", kernels: "wasm", loss: "mse" }],
  ["transformer f32 wasm", { model: "transformer", p: 13, dtype: "f32", kernels: "wasm" }],
  ["transformer f64 reference", { model: "transformer", p: 7, d_model: 16, heads: 2, d_mlp: 32, dtype: "f64", kernels: "reference" }],
];

describe("the train block from the training step's forward", () => {
  for (const [name, input] of CASES) {
    it(`gives the evaluation's own statistics (${name})`, () => {
      const s = trained(input, 30);
      const { cfg } = s;
      for (const chunk of [4096, 7]) {
        const own = evaluate(s.ctx, s.model, s.evalSet, cfg.tau, cfg.loss, { chunk });
        const mark = s.ctx.arena.mark();
        const tape = new Tape(s.ctx);
        const z = s.model.forward(tape, s.trainA, s.trainB);
        const ahead = evaluate(s.ctx, s.model, s.evalSet, cfg.tau, cfg.loss, { chunk, trainLogits: z.data });
        s.ctx.arena.release(mark);
        expect(ahead).toEqual(own);
        expect(own.train.rows).toBe(s.evalSet.nTrain);
      }
    });
  }

  it("refuses logits of the wrong size, naming both", () => {
    const s = trained({ p: 11, d_embed: 8, hidden: 16, kernels: "reference" }, 1);
    const short = new Float32Array(5);
    expect(() => evaluate(s.ctx, s.model, s.evalSet, 1, "ce", { trainLogits: short })).toThrow(/5 values, not 48×11/);
  });
});
