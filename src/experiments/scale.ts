// The preset scales: "paper" (the paper's moduli, seeds and budgets), "quick" (p = 59, few seeds, a
// laptop in minutes) and "mini" (a miniature for smoke tests), and the shape of one named experiment.
// Names and types only; presets.ts and beyond.ts build them.

import type { SweepSpecInput } from "./sweep-spec.js";

export type Scale = "quick" | "paper" | "mini";
export const SCALES: readonly Scale[] = ["quick", "paper", "mini"];

export function isScale(name: string): name is Scale {
  return (SCALES as readonly string[]).includes(name);
}

export interface PresetExperiment {
  /** E1 … E11 */
  id: string;
  title: string;
  spec: SweepSpecInput;
}
