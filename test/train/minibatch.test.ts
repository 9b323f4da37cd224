// The minibatch path (batch_size): a step is the full-batch machinery applied to the drawn rows (built
// here by hand from the model, the loss and AdamW, and compared with the trainer's step-1 measurements);
// a batch as large as the train set is the full batch; a stopped minibatch run resumes exactly.

import { describe, expect, it } from "vitest";
import { resolveConfig, type RunConfigInput } from "../../src/base/config.js";
import { evaluate } from "../../src/metrics/evaluate.js";
import { weightNorm } from "../../src/metrics/norms.js";
import { lossOp } from "../../src/tensor/ops/index.js";
import { Rng } from "../../src/base/rng.js";
import { Tape } from "../../src/tensor/tape.js";
import { adamwStep } from "../../src/train/adamw.js";
import { openSession } from "../../src/train/session.js";
import { runSeed, type RunSeedOutcome } from "../../src/train/trainer.js";
import type { SeedResult } from "../../src/base/results.js";
import type { Snapshot } from "../../src/train/types.js";

const tiny = (over: RunConfigInput = {}) =>
  resolveConfig({ p: 11, d_embed: 8, hidden: 16, steps: 60, eval_every: 10, log_every: 20, kernels: "reference", dtype: "f64", ...over });

function done(o: RunSeedOutcome): SeedResult {
  if (o.stopped) throw new Error("unexpected stop");
  return o.result;
}

describe("minibatch training", () => {
  it("step 1 is one full-batch step on the rows drawn uniformly (with replacement) from the train set", () => {
    const bs = 16;
    const seed = 3;
    const trainer = done(runSeed(tiny({ batch_size: bs, steps: 1 }), seed)).log[0]!;
    // by hand: the same initial state, the drawn rows, forward + loss + backward + AdamW
    const cfg = tiny({ steps: 1 });
    const s = openSession(cfg, seed);
    const rng = new Rng(seed, "batch");
    const rows = Array.from({ length: bs }, () => rng.int(s.trainA.length));
    const pick = (src: Int32Array) => {
      const a = s.ctx.arena.ints(bs);
      a.set(rows.map((i) => src[i]!));
      return a;
    };
    const [A, B, Y] = [pick(s.trainA), pick(s.trainB), pick(s.trainY)];
    const P = s.model.params;
    P.grad.fill(0);
    const tape = new Tape(s.ctx);
    const loss = lossOp(tape, cfg.loss, s.model.forward(tape, A, B), Y, cfg.tau);
    tape.backward(loss);
    adamwStep(s.ctx.k, P, 1, cfg);
    const ev = evaluate(s.ctx, s.model, s.evalSet, cfg.tau, cfg.loss);
    expect(trainer.step).toBe(1);
    expect(trainer.weight_norm).toBeCloseTo(weightNorm(s.ctx.k, P), 12);
    expect(trainer.train_loss).toBeCloseTo(ev.train.lossSum / ev.train.rows, 12);
    expect(trainer.test_loss).toBeCloseTo(ev.test.lossSum / ev.test.rows, 12);
    // and it is not the full-batch step
    const full = done(runSeed(cfg, seed)).log[0]!;
    expect(Math.abs(full.train_loss - trainer.train_loss)).toBeGreaterThan(1e-9);
  });

  it("a batch as large as the train set is the full batch, bit for bit", () => {
    const cfg = tiny();
    const nTrain = openSession(cfg, 0).trainA.length;
    expect(done(runSeed(tiny({ batch_size: nTrain }), 0)).log).toEqual(done(runSeed(cfg, 0)).log);
    expect(done(runSeed(tiny({ batch_size: nTrain + 5 }), 0)).log).toEqual(done(runSeed(cfg, 0)).log);
    expect(done(runSeed(tiny({ batch_size: nTrain - 1 }), 0)).log).not.toEqual(done(runSeed(cfg, 0)).log);
  });

  it("stop and resume gives exactly the uninterrupted minibatch run (the sampler's state is saved)", () => {
    const cfg = tiny({ batch_size: 8, stop_on_grok: false });
    const full = done(runSeed(cfg, 5));
    let calls = 0;
    const first = runSeed(cfg, 5, { shouldStop: () => ++calls > 27 });
    expect(first.stopped).toBe(true);
    const resumed = done(runSeed(cfg, 5, { resume: (first as { snapshot: Snapshot }).snapshot }));
    expect(resumed.log).toEqual(full.log);
  });
});
