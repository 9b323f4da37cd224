// Number formatting for the report: step counts, ratios, fractions, intervals and seed counts, in one
// place so tables, figure titles and the "where we differ" text print a number the same way.
// Formatting only; no rounding of stored data and no comparison logic.

/** A step count or a median of step counts: integers as they are, halves with one decimal. */
export function fmtSteps(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

/** A number with fixed decimals; "—" for a missing or non-finite value. */
export function fmt(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  return v.toFixed(digits);
}

/** A multiplicative factor: "3.43×". */
export function fmtX(v: number | null | undefined, digits = 2): string {
  const s = fmt(v, digits);
  return s === "—" ? s : `${s}×`;
}

/** A share as a percentage: 1.0027 → "100%". */
export function fmtPct(v: number | null | undefined, digits = 0): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  return `${(100 * v).toFixed(digits)}%`;
}

/** An interval: "[0.818, 0.852]". */
export function fmtCI(ci: readonly [number, number] | null | undefined, digits = 3): string {
  if (!ci) return "—";
  return `[${fmt(ci[0], digits)}, ${fmt(ci[1], digits)}]`;
}

/** A range of values: "0.57–1.04". */
export function fmtRange(r: readonly [number, number] | null | undefined, digits = 2): string {
  if (!r) return "—";
  return `${fmt(r[0], digits)}–${fmt(r[1], digits)}`;
}

/** A range of step counts: "175–200". */
export function fmtStepRange(r: readonly [number, number] | null | undefined): string {
  if (!r) return "—";
  return `${fmtSteps(r[0])}–${fmtSteps(r[1])}`;
}

/** Seeds that grokked out of seeds run: "11/12". */
export function fmtSeeds(nGrokked: number, S: number): string {
  return `${nGrokked}/${S}`;
}

/** A signed difference: "+0.012" / "−0.120". */
export function fmtSigned(v: number, digits = 3): string {
  const s = Math.abs(v).toFixed(digits);
  return v < 0 ? `−${s}` : `+${s}`;
}

/** A parameter value as written in the study: 1.15, 1.3, −0.6. */
export function fmtParam(v: number | null | undefined): string {
  if (v === null || v === undefined) return "—";
  const s = String(Number(v.toFixed(6)));
  return s.startsWith("-") ? `−${s.slice(1)}` : s;
}
