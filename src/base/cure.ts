// E10's cures for softmax collapse (docs/study.md §11) as a run config names them: StableMax loss,
// ⊥Grad under CE, or neither (plain CE). Here in base so that both the presets (experiments/) and the
// analysis (analysis/, which may import only base) read a cell's cure from its config the same way.
// Names only; the cures themselves are kernels/stablemax.ts and train/orthograd.ts.

export const CURES = ["ce", "stablemax", "orthograd"] as const;
export type Cure = (typeof CURES)[number];

/** The cure a run config is under: StableMax loss, ⊥Grad, or neither (plain CE); null for any other mix. */
export function cureOf(cfg: { loss: string; orthograd?: boolean | undefined }): Cure | null {
  if (cfg.loss === "stablemax") return cfg.orthograd ? null : "stablemax";
  if (cfg.loss !== "ce") return null;
  return cfg.orthograd ? "orthograd" : "ce";
}
