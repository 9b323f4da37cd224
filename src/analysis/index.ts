// The analysis package's public surface: cell records, the paper-data import, the per-experiment
// statistics and the whole-study report. Re-exports only; nothing is defined here.

export * from "./records.js";
export * from "./outcome.js";
export * from "./stats.js";
export * from "./cell-stats.js";
export * from "./bootstrap.js";
export * from "./dose-forms.js";
export * from "./dose.js";
export * from "./mediation.js";
export * from "./tau-sweep.js";
export * from "./collapse.js";
export * from "./audit.js";
export * from "./transformer.js";
export * from "./alloc.js";
export * from "./samestate.js";
export * from "./cures.js";
export * from "./optimiser.js";
export * from "./analyze.js";
export { parseNpy, type NpyArray, type NpyValue } from "./npy.js";
export { readNpz } from "./npz.js";
export { cellsFromNpz, type NpzFile, type NpzImport } from "./npz-cells.js";
export { loadNpzDir } from "./paper-files.js";
