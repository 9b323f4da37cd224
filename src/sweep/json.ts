// The one JSON for numeric records that keeps every number: NaN, ±Infinity and -0 are written as the
// strings "NaN", "Infinity", "-Infinity" and "-0" and read back as those numbers (finite numbers
// round-trip exactly through JSON already). The store's rows and the queue's results both use it, so
// a diverged run's metrics survive and a queued result has the bits of a local one. Only for records
// whose string fields never hold those four words (ids, names, enums); not a general serialiser.

const SPECIAL: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, "-Infinity": Number.NEGATIVE_INFINITY, "-0": -0 };

export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "number" && (!Number.isFinite(v) || Object.is(v, -0)) ? (Object.is(v, -0) ? "-0" : String(v)) : v));
}

export function fromJson<T>(text: string): T {
  return JSON.parse(text, (_k, v: unknown) => (typeof v === "string" && Object.hasOwn(SPECIAL, v) ? SPECIAL[v] : v)) as T;
}
