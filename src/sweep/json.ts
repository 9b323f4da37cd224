// JSON that keeps non-finite numbers: NaN and ±Infinity are written as the strings "NaN",
// "Infinity" and "-Infinity" and read back as numbers, so a diverged run's metrics survive the
// store. Only for numeric records (log rows, norms); not a general serialiser.

const NONFINITE: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, "-Infinity": Number.NEGATIVE_INFINITY };

export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v));
}

export function fromJson<T>(text: string): T {
  return JSON.parse(text, (_k, v: unknown) => (typeof v === "string" && v in NONFINITE ? NONFINITE[v] : v)) as T;
}
