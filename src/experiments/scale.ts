// The preset scales: "paper" (the paper's moduli, seeds and budgets), "quick" (p = 59, few seeds, a
// laptop in minutes) and "mini" (a miniature for smoke tests). Names only; presets.ts builds them.

export type Scale = "quick" | "paper" | "mini";
export const SCALES: readonly Scale[] = ["quick", "paper", "mini"];

export function isScale(name: string): name is Scale {
  return (SCALES as readonly string[]).includes(name);
}
