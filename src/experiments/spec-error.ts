// The error a bad sweep spec throws, its one-line message naming the field or key path. Its own file
// because both the spec's schema (sweep-spec.ts) and the guards it passes first (spec-limits.ts) throw it.

export class SpecError extends Error {}
