// The paper's published reference norms w_c (docs/study.md §5): the median ‖W‖ at grok of its free control
// runs. Presets use them by default so that our cells line up with the paper's; the report and the
// bench read them from here. The one home of these numbers.

export const PAPER_WC = {
  ce: { 59: 54.49, 97: 65.85 } as Record<number, number>,
  mse: { 59: 36.5, 97: 36.61 } as Record<number, number>,
  transformer: { 59: 32.49 } as Record<number, number>,
  dose: { 43: 50.51, 59: 54.26, 67: 56.77, 97: 65.41, 113: 70.52 } as Record<number, number>,
};

export type WcFamily = keyof typeof PAPER_WC;

/** The paper's w_c for a family and modulus, or an error naming what is missing. */
export function paperWc(family: WcFamily, p: number): number {
  const v = PAPER_WC[family][p];
  if (v === undefined) throw new Error(`no published w_c for ${family} at p=${p}; run \`grokscale calibrate\` and pass it`);
  return v;
}
