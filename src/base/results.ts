// What a training run reports: per-log-step measurement rows and per-seed results, as zod schemas
// (their types inferred), so rows and results that arrive from elsewhere (a queue worker, the store)
// are checked by the same definition the trainer writes. In the base layer because the analysis reads
// them too. Data only; the training state a run resumes from is train/types.ts's Snapshot.

import { z } from "zod";

/** A number, NaN and ±Infinity included (a diverged run's measurements are kept as they are). */
const anyNumber = z.custom<number>((v) => typeof v === "number", "expected a number");
const stepOrNull = z.number().int().nullable();

/** One logged measurement row of one seed (docs/study.md §6). The schema is the type and checks rows that
 *  arrive from elsewhere (a queue worker's result). */
export const LogRowSchema = z.object({
  step: z.number().int(),
  train_loss: anyNumber,
  test_loss: anyNumber,
  train_acc: anyNumber,
  test_acc: anyNumber,
  /** ‖W‖ over weight matrices (biases excluded) */
  weight_norm: anyNumber,
  /** per-matrix Frobenius norms, by parameter name (E, W1, W2 for the MLP) */
  norms: z.record(z.string(), anyNumber),
  /** mean over all pairs of ‖z/τ‖₂ */
  logit_scale: anyNumber,
  /** share of all pairs whose largest softmax probability exceeds 0.999 */
  frac_saturated: anyNumber,
  /** share of training pairs whose correct-class probability is exactly 1.0 in the working precision */
  collapse_rate: anyNumber,
  /** share of E's non-constant DFT power (token axis) held by its 5 strongest frequencies */
  fourier_top5: anyNumber,
});
export type LogRow = z.infer<typeof LogRowSchema>;

export const SEED_STATUSES = ["grokked", "censored", "diverged"] as const;
export type SeedStatus = (typeof SEED_STATUSES)[number];

/** One seed's result; null events = never reached (censored). */
export const SeedResultSchema = z.object({
  seed: z.number().int(),
  T_mem: stepOrNull,
  T_grok: stepOrNull,
  delay: stepOrNull,
  grokked: z.boolean(),
  status: z.enum(SEED_STATUSES),
  steps_run: z.number().int().min(0),
  wall_s: anyNumber,
  /** ‖W‖ at the grokking evaluation (null if it never grokked) */
  norm_at_grok: anyNumber.nullable(),
  /** ‖W‖ at the fork (forking arms only) */
  norm_at_fork: anyNumber.nullable(),
  /** the measurement of the state the run ended in (at steps_run; not necessarily a logged row) */
  final: LogRowSchema.nullable(),
  log: z.array(LogRowSchema),
});
export type SeedResult = z.infer<typeof SeedResultSchema>;
