// The trainer: one seed of one cell, step by step (docs/study.md §4-6). Each step: forward, loss, backward,
// optionally ⊥Grad (§11), AdamW with decoupled decay (lr·rho under the clamp with lr_scale_with_rho), then the intervention (norm clamp from t_int, allocation clamp, or the
// forking arm's clamp from the fork). Evaluation at step 1 and every eval_every steps on all pairs;
// logged measurements at step 1 and every log_every steps, as the paper's runner logs them
// (docs/study.md); the state the run ends in (at a grok, the budget or a cell's end) is `final`.
// A full-batch evaluation's train block is the next step's own forward pass, taken ahead (Forward).
// Deterministic: the same config and seed give the same bits, and resuming from a snapshot (a
// checkpoint, or the final state of a seed that stopped at its grok) gives the same bits as not stopping.

import { type RunConfig, stepLr } from "../base/config.js";
import { delayOf, type EventState, observe } from "../metrics/events.js";
import { evaluate } from "../metrics/evaluate.js";
import { fourierTopShare } from "../metrics/fourier.js";
import { matrixNorms, weightNorm } from "../metrics/norms.js";
import type { Kernels } from "../kernels/types.js";
import { lossOp } from "../tensor/ops/loss.js";
import { Tape, type Tensor } from "../tensor/tape.js";
import { adamwStep } from "./adamw.js";
import { orthogonalizeGradients } from "./orthograd.js";
import { allocationTargets, clampAllocation, clampNorm } from "./clamp.js";
import { captureState, openSession, restoreState, type Session } from "./session.js";
import type { LogRow, SeedResult } from "../base/results.js";
import type { Snapshot } from "./types.js";

export interface RunSeedOptions {
  /** continue exactly from this state */
  resume?: Snapshot | null;
  /** steps between onCheckpoint calls (0/undefined: never) */
  checkpointEvery?: number;
  /** synchronous; snap is a fresh copy the caller may keep */
  onCheckpoint?: (snap: Snapshot) => void;
  /** every logged row, as it happens */
  onLog?: (row: LogRow) => void;
  /** called at every evaluation step */
  onProgress?: (step: number) => void;
  /** polled every step; when true the run stops and returns its snapshot */
  shouldStop?: () => boolean;
  /** called once with the opened (and resumed) session, for read-only views of the live state */
  onOpen?: (s: Session) => void;
  /**
   * train to exactly this step (at most the budget), past the seed's grok: how a cell's early
   * grokkers are continued to the cell's end (train/cell-end.ts). Unset: stop at grok per stop_on_grok.
   */
  until?: number;
  /** return the final training state with the result (to continue it later) */
  keepFinal?: boolean;
  /** after step t (update and intervention done): its training loss; the session's P.grad still holds step t's gradients */
  onStep?: (t: number, loss: number, s: Session) => void;
  /** a profiler (bench/profile.ts): wraps the kernels and is told which phase of the loop runs */
  instrument?: Instrument;
}

/**
 * Phases of the loop: the step (forward, loss, backward, AdamW), the clamp, evaluation and logging, and
 * "ahead": the next step's forward taken at an evaluation; the "step" after it continues that step.
 */
export type LoopPhase = "step" | "clamp" | "eval" | "ahead";

export interface Instrument {
  wrapKernels(k: Kernels): Kernels;
  phase(p: LoopPhase): void;
}

export type RunSeedOutcome =
  | { stopped: false; result: SeedResult; final?: Snapshot }
  | { stopped: true; snapshot: Snapshot };

interface RunState extends EventState {
  step: number;
  norm_at_fork: number | null;
  norm_at_grok: number | null;
  log: LogRow[];
  wall_s: number;
}

/** The intervention after step t's update. */
function intervene(s: Session, st: RunState, t: number): void {
  const { cfg } = s;
  const { k } = s.ctx;
  const P = s.model.params;
  if (cfg.fork_at !== null) {
    if (t === cfg.fork_at) st.norm_at_fork = weightNorm(k, P);
    if (t >= cfg.fork_at && cfg.fork_arm !== "free") {
      const n0 = st.norm_at_fork!;
      const target = cfg.fork_arm === "same" ? n0 : cfg.fork_arm === "raised" ? n0 * cfg.fork_factor : n0 / cfg.fork_factor;
      clampNorm(k, P, target);
    }
    if (cfg.wc === null) return;
  }
  if (cfg.wc === null || t < cfg.t_int) return;
  const target = cfg.rho * cfg.wc;
  if (cfg.gamma !== null) clampAllocation(k, P, allocationTargets(target, cfg.f_w1!, cfg.theta0!, cfg.gamma), s.model.embedding);
  else clampNorm(k, P, target);
}

/** Draws the step's minibatch into the batch buffers: batch_size rows drawn uniformly, with replacement. */
function drawBatch(s: Session): void {
  const n = s.trainA.length;
  const bs = s.batchA!.length;
  for (let i = 0; i < bs; i++) {
    const j = s.rng.int(n);
    s.batchA![i] = s.trainA[j]!;
    s.batchB![i] = s.trainB[j]!;
    s.batchY![i] = s.trainY[j]!;
  }
}

/**
 * A step's recorded forward pass; its arena storage lies from `mark` up. Taken ahead (at an
 * evaluation, over the whole training set), its logits serve as the evaluation's train block (the same
 * parameters, rows and kernels: the same bits) and the next step then continues it.
 */
interface Forward {
  mark: number;
  tape: Tape;
  z: Tensor;
}

function forwardOn(s: Session, a: Int32Array, b: Int32Array): Forward {
  const mark = s.ctx.arena.mark();
  const tape = new Tape(s.ctx);
  return { mark, tape, z: s.model.forward(tape, a, b) };
}

/** One optimisation step t, continuing `ahead` when given; returns the training loss (NaN/Inf when diverged). */
function trainStep(s: Session, t: number, ahead: Forward | null): number {
  const { ctx, model, cfg } = s;
  const P = model.params;
  if (!ahead && s.batchA) drawBatch(s);
  const f = ahead ?? (s.batchA ? forwardOn(s, s.batchA, s.batchB!) : forwardOn(s, s.trainA, s.trainB));
  const Y = s.batchA ? s.batchY! : s.trainY;
  P.grad.fill(0);
  const loss = lossOp(f.tape, cfg.loss, f.z, Y, cfg.tau); // (1)
  const value = loss.data[0]!;
  if (Number.isFinite(value)) f.tape.backward(loss);
  ctx.arena.release(f.mark);
  if (!Number.isFinite(value)) return value;
  if (cfg.orthograd) orthogonalizeGradients(P);
  adamwStep(ctx.k, P, t, { ...cfg, lr: stepLr(cfg, t) });
  return value;
}

function measure(s: Session, step: number, ev: ReturnType<typeof evaluate>): LogRow {
  const { k } = s.ctx;
  const P = s.model.params;
  const n = ev.train.rows + ev.test.rows;
  const p = s.cfg.p;
  const E = P.tensor(s.model.embedding);
  const d = E.shape[1]!;
  return {
    step,
    train_loss: ev.train.lossSum / ev.train.rows,
    test_loss: ev.test.lossSum / ev.test.rows,
    train_acc: ev.train.correct / ev.train.rows,
    test_acc: ev.test.correct / ev.test.rows,
    weight_norm: weightNorm(k, P),
    norms: matrixNorms(k, P),
    logit_scale: (ev.train.l2sum + ev.test.l2sum) / n,
    frac_saturated: (ev.train.saturated + ev.test.saturated) / n,
    collapse_rate: ev.train.collapsed / ev.train.rows,
    fourier_top5: fourierTopShare(E.data.subarray(0, p * d), p, d),
  };
}

function snapshotOf(s: Session, st: RunState): Snapshot {
  return {
    version: 1,
    config: s.cfg,
    seed: s.seed,
    step: st.step,
    ...captureState(s),
    T_mem: st.T_mem,
    T_grok: st.T_grok,
    norm_at_fork: st.norm_at_fork,
    norm_at_grok: st.norm_at_grok,
    log: st.log.map((r) => ({ ...r, norms: { ...r.norms } })),
    wall_s: st.wall_s,
  };
}

export function runSeed(cfg: RunConfig, seed: number, opts: RunSeedOptions = {}): RunSeedOutcome {
  const steps = seedSteps(cfg, seed, opts);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * The run as a generator that yields the step just taken after every step and returns the outcome:
 * runSeed drains it in one go; the browser playground (src/playground) drives it in time slices.
 */
export function* seedSteps(cfg: RunConfig, seed: number, opts: RunSeedOptions = {}): Generator<number, RunSeedOutcome, void> {
  const t0 = performance.now();
  const ins = opts.instrument;
  const s = openSession(cfg, seed, ins ? (k) => ins.wrapKernels(k) : undefined);
  const st: RunState = { step: 0, T_mem: null, T_grok: null, norm_at_fork: null, norm_at_grok: null, log: [], wall_s: 0 };
  if (opts.resume) {
    const r = opts.resume;
    if (r.seed !== seed) throw new Error(`resume: snapshot is of seed ${r.seed}, not ${seed}`);
    restoreState(s, r);
    Object.assign(st, {
      step: r.step, T_mem: r.T_mem, T_grok: r.T_grok, norm_at_fork: r.norm_at_fork, norm_at_grok: r.norm_at_grok ?? null,
      log: r.log.map((x) => ({ ...x })), wall_s: r.wall_s,
    });
  }
  opts.onOpen?.(s);
  const until = opts.until === undefined ? null : Math.min(opts.until, cfg.steps);
  if (until !== null && until < st.step) throw new Error(`until: step ${until} lies before the state's step ${st.step}`);
  const isDone = (): boolean => (until !== null ? st.step >= until : st.T_grok !== null && cfg.stop_on_grok);
  const wallBase = st.wall_s;
  const elapsed = () => wallBase + (performance.now() - t0) / 1000;
  let diverged = false;
  let done = isDone();
  let last: LogRow | null = null; // the measurement of the state the run ends in
  // Full-batch runs take the next step's forward at each evaluation (Forward): its logits are the train
  // block's. Not with minibatches, whose rows differ from the train block.
  const lookAhead = s.batchA === null;
  let ahead: Forward | null = null;

  while (!done && st.step < cfg.steps) {
    if (opts.shouldStop?.()) {
      st.wall_s = elapsed();
      return { stopped: true, snapshot: snapshotOf(s, st) };
    }
    const t = st.step + 1;
    ins?.phase("step");
    const loss = trainStep(s, t, ahead);
    ahead = null;
    st.step = t;
    if (!Number.isFinite(loss)) {
      diverged = true;
      break;
    }
    ins?.phase("clamp");
    intervene(s, st, t);
    opts.onStep?.(t, loss, s);
    if (t === 1 || t % cfg.eval_every === 0 || t === cfg.steps || t === until) {
      // another step follows unless the budget or `until` ends here (or a grok found now ends the run:
      // then the pass is unused, and costs what the train block's own pass would have)
      if (lookAhead && t < cfg.steps && t !== until) {
        ins?.phase("ahead");
        ahead = forwardOn(s, s.trainA, s.trainB);
      }
      ins?.phase("eval");
      const ev = evaluate(s.ctx, s.model, s.evalSet, cfg.tau, cfg.loss, ahead ? { trainLogits: ahead.z.data } : {});
      const fired = observe(st, t, ev.train.correct / ev.train.rows, ev.test.correct / ev.test.rows);
      if (fired.grok) st.norm_at_grok = weightNorm(s.ctx.k, s.model.params);
      done = isDone();
      const logged = t === 1 || t % cfg.log_every === 0;
      if (logged || done || t === cfg.steps) {
        const row = measure(s, t, ev);
        last = row;
        if (logged) {
          st.log.push(row);
          opts.onLog?.(row);
        }
      }
      opts.onProgress?.(t);
    }
    if (opts.checkpointEvery && opts.onCheckpoint && t % opts.checkpointEvery === 0 && !done && t < cfg.steps) {
      st.wall_s = elapsed();
      opts.onCheckpoint(snapshotOf(s, st));
    }
    yield t;
  }
  if (last === null && !diverged) last = st.log[st.log.length - 1] ?? null;
  const result: SeedResult = {
    seed,
    T_mem: st.T_mem,
    T_grok: diverged ? null : st.T_grok,
    delay: diverged ? null : delayOf(st),
    grokked: !diverged && st.T_grok !== null,
    status: diverged ? "diverged" : st.T_grok !== null ? "grokked" : "censored",
    steps_run: st.step,
    wall_s: elapsed(),
    norm_at_grok: diverged ? null : st.norm_at_grok,
    norm_at_fork: st.norm_at_fork,
    final: diverged ? (st.log[st.log.length - 1] ?? null) : last,
    log: st.log,
  };
  if (opts.keepFinal && !diverged) {
    st.wall_s = result.wall_s;
    return { stopped: false, result, final: snapshotOf(s, st) };
  }
  return { stopped: false, result };
}
