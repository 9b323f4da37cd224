// Guards a sweep spec passes before it is resolved: its shape (no key that JavaScript treats
// specially, such as "__proto__", which JSON.parse keeps but a zod record silently drops; nesting at
// most MAX_SPEC_DEPTH deep, so no stack overflow later) and its size (cells and jobs counted from
// the spec itself, in time linear in its length, before any cell is built). Throws SpecError naming
// the key path. Not the spec's schema (sweep-spec.ts) and no store access.

import { SpecError } from "./spec-error.js";

/** Deepest nesting a spec may have: the spec, base/grid/cells, a cell, a field, a list value. */
export const MAX_SPEC_DEPTH = 32;

/** Keys no spec may hold anywhere: they reach Object.prototype or are dropped by zod records. */
const FORBIDDEN = new Set(["__proto__", "constructor", "prototype"]);

/** Default limits of one sweep (the CLI's --max-cells and --max-jobs raise them). */
export const DEFAULT_MAX_CELLS = 10_000;
export const DEFAULT_MAX_JOBS = 100_000;

const fmt = (path: readonly (string | number)[]): string =>
  path.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("") || "(spec)";

/**
 * Walks a parsed spec (iteratively: a hostile depth cannot overflow the stack) and throws
 * SpecError at the first forbidden key or at nesting deeper than `maxDepth`.
 */
export function checkSpecShape(input: unknown, maxDepth = MAX_SPEC_DEPTH): void {
  const stack: { v: unknown; path: (string | number)[] }[] = [{ v: input, path: [] }];
  while (stack.length > 0) {
    const { v, path } = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (path.length >= maxDepth) throw new SpecError(`${fmt(path)}: nested deeper than ${maxDepth} levels`);
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: [...path, i] });
      continue;
    }
    for (const k of Object.keys(v)) {
      if (FORBIDDEN.has(k)) throw new SpecError(`${fmt([...path, k])}: "${k}" is not a config field or spec key; remove it`);
      stack.push({ v: (v as Record<string, unknown>)[k], path: [...path, k] });
    }
  }
}

export interface SweepSize {
  /** cells before de-duplication (explicit cells × grid points) */
  cells: number;
  /** jobs before de-duplication (each cell's seed count, summed) */
  jobs: number;
}

const seedCount = (s: unknown): number => (typeof s === "number" ? s : Array.isArray(s) ? s.length : 0);

/** Counts a spec's cells and jobs from its lists' lengths (no cell is built); null when it is not shaped like a spec. */
export function sweepSize(input: unknown): SweepSize | null {
  if (input === null || typeof input !== "object" || Array.isArray(input)) return null;
  const spec = input as Record<string, unknown>;
  let points = 1;
  const grid = spec["grid"];
  if (grid !== undefined) {
    if (grid === null || typeof grid !== "object") return null;
    for (const vals of Object.values(grid)) if (Array.isArray(vals)) points *= Math.max(1, vals.length);
  }
  const explicit = Array.isArray(spec["cells"]) ? (spec["cells"] as unknown[]) : [{}];
  const specSeeds = seedCount(spec["seeds"]);
  let jobs = 0;
  for (const c of explicit) {
    const own = c !== null && typeof c === "object" && "seeds" in c ? seedCount((c as Record<string, unknown>)["seeds"]) : specSeeds;
    jobs += own * points;
  }
  return { cells: explicit.length * points, jobs };
}

export interface SweepLimits {
  maxCells?: number;
  maxJobs?: number;
}

/** Throws SpecError with the counts when the spec is larger than the limits, naming the flag that raises them. */
export function checkSweepSize(input: unknown, limits: SweepLimits = {}): SweepSize | null {
  const size = sweepSize(input);
  if (size === null) return null;
  const maxCells = limits.maxCells ?? DEFAULT_MAX_CELLS;
  const maxJobs = limits.maxJobs ?? DEFAULT_MAX_JOBS;
  if (size.cells > maxCells) {
    throw new SpecError(`(spec): ${size.cells} cells, more than the limit of ${maxCells}; pass --max-cells ${size.cells} to run it anyway`);
  }
  if (size.jobs > maxJobs) {
    throw new SpecError(`(spec): ${size.jobs} jobs, more than the limit of ${maxJobs}; pass --max-jobs ${size.jobs} to run it anyway`);
  }
  return size;
}
