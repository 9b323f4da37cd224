// Outcome: a value, or the reason there is none. Every statistic that can be undefined on its input
// (too few cells, equal regressors, all seeds censored) returns one, so callers get a message to show
// instead of NaN or an exception. Not an error-handling framework: malformed files still throw.

export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

export function ok<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

export function fail<T = never>(reason: string): Outcome<T> {
  return { ok: false, reason };
}

/** The value, or throw with the reason (for code paths where absence is a programming error). */
export function unwrap<T>(o: Outcome<T>): T {
  if (o.ok) return o.value;
  throw new Error(o.reason);
}
