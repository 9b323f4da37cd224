// The sweep spec: a named list of cells (explicit cells crossed with a grid over any config fields,
// on top of a shared base) times a list of seeds, validated with zod and resolved to jobs before
// anything touches the store. A bad spec throws SpecError whose one-line message names the field
// (`cells[3].tau: ...`). Job and cell ids are content hashes. This file does not read files or
// write the store.

import { createHash } from "node:crypto";
import { z } from "zod";
import { RunConfigSchema, canonicalJson, resolveConfig, ConfigError, type RunConfig } from "../base/config.js";
import { arenaOverflow } from "../base/limits.js";
import { SpecError } from "./spec-error.js";
import { checkSpecShape } from "./spec-limits.js";

const CONFIG_KEYS = new Set(Object.keys(RunConfigSchema.shape));
const META_KEYS = ["experiment", "arm", "label"] as const;

const Fields = z.record(z.string(), z.unknown());
export const SweepSpecSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "use letters, digits, '.', '_' and '-'"),
    description: z.string().optional(),
    experiment: z.string().min(1).optional(), // default experiment tag of every cell
    seeds: z.union([z.number().int().positive().max(100_000), z.array(z.number().int().min(0)).min(1)]),
    seed0: z.number().int().min(0).default(0), // with a count n: seeds seed0 .. seed0+n-1
    base: Fields.default({}),
    grid: z.record(z.string(), z.array(z.unknown()).min(1)).optional(),
    cells: z.array(Fields).min(1).optional(),
  })
  .strict();

export type SweepSpecInput = z.input<typeof SweepSpecSchema>;

/** One cell of a sweep: a resolved config and the metadata the analysis groups by. */
export interface SweepCell {
  cellId: string;
  config: RunConfig;
  experiment: string;
  arm: string;
  label: string;
  /** this cell's seeds (a cell may override the spec's seeds with its own `seeds`) */
  seeds: number[];
}

/** One (cell, seed) pair: the unit of work. */
export interface Job {
  jobId: string;
  cellId: string;
  seed: number;
  config: RunConfig;
}

export interface ResolvedSweep {
  name: string;
  /** the spec as given (after zod defaults), stored with the sweep */
  spec: z.output<typeof SweepSpecSchema>;
  seeds: number[];
  cells: SweepCell[];
  /** unique jobs, in spec order (cells outer, seeds inner) */
  jobs: Job[];
}

const sha256 = (s: string): string => createHash("sha256").update(s).digest("hex");

/** A cell's id: the sha256 of its resolved config's canonical JSON. */
export function cellIdOf(config: RunConfig): string {
  return sha256(canonicalJson(config));
}

/**
 * A job's id: the sha256 of canonicalJson({config, seed}). No code-version salt on purpose: the id
 * names *what* is computed, so results survive releases; each run records its code_version instead.
 */
export function jobIdOf(config: RunConfig, seed: number): string {
  return sha256(canonicalJson({ config, seed }));
}

function fmtPath(path: readonly PropertyKey[]): string {
  let s = "";
  for (const k of path) s += typeof k === "number" ? `[${k}]` : s === "" ? String(k) : `.${String(k)}`;
  return s || "(spec)";
}

function got(input: unknown, path: readonly PropertyKey[]): string {
  let v: unknown = input;
  for (const k of path) v = v && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v === undefined ? "" : ` (got ${JSON.stringify(v)})`;
}

/** Validates a sweep spec and resolves every cell and job; throws SpecError naming the field. */
export function resolveSweepSpec(input: unknown): ResolvedSweep {
  checkSpecShape(input); // before zod: it drops "__proto__" keys, and deep values overflow the stack
  const parsed = SweepSpecSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    if (issue.code === "unrecognized_keys") {
      throw new SpecError(`${fmtPath(issue.path)}: unknown sweep spec key(s): ${issue.keys.join(", ")}`);
    }
    throw new SpecError(`${fmtPath(issue.path)}: ${issue.message}${got(input, issue.path)}`);
  }
  const spec = parsed.data;
  const seeds = typeof spec.seeds === "number" ? Array.from({ length: spec.seeds }, (_, i) => spec.seed0 + i) : spec.seeds;
  const seen = new Set<number>();
  const dupSeed = seeds.find((s) => seen.size === seen.add(s).size);
  if (dupSeed !== undefined) throw new SpecError(`seeds: seed ${dupSeed} is listed twice`);

  // every key must be a config field (metadata keys only on explicit cells)
  for (const k of Object.keys(spec.base)) {
    if (!CONFIG_KEYS.has(k)) throw new SpecError(`base.${k}: unknown config field`);
  }
  const gridKeys = Object.keys(spec.grid ?? {});
  for (const k of gridKeys) if (!CONFIG_KEYS.has(k)) throw new SpecError(`grid.${k}: unknown config field`);
  const explicit = spec.cells ?? [{}];
  explicit.forEach((c, i) => {
    for (const k of Object.keys(c)) {
      if (k === "seeds") {
        const v = c[k];
        const ok = (Number.isInteger(v) && (v as number) > 0) || (Array.isArray(v) && v.length > 0 && v.every((x) => Number.isInteger(x) && x >= 0));
        if (!ok) throw new SpecError(`cells[${i}].seeds: expected a positive count or a list of seeds${got(c, [k])}`);
      } else if ((META_KEYS as readonly string[]).includes(k)) {
        if (typeof c[k] !== "string") throw new SpecError(`cells[${i}].${k}: expected a string${got(c, [k])}`);
      } else if (!CONFIG_KEYS.has(k)) throw new SpecError(`cells[${i}].${k}: unknown config field`);
      else if (gridKeys.includes(k)) throw new SpecError(`cells[${i}].${k}: also set by grid.${k}; set it in one place`);
    }
  });

  // grid points: cartesian product in key order, last key fastest
  let points: { values: Record<string, unknown>; idx: Record<string, number> }[] = [{ values: {}, idx: {} }];
  for (const k of gridKeys) {
    const vals = spec.grid![k]!;
    points = points.flatMap((pt) => vals.map((v, j) => ({ values: { ...pt.values, [k]: v }, idx: { ...pt.idx, [k]: j } })));
  }

  const cells: SweepCell[] = [];
  const seenCell = new Set<string>();
  explicit.forEach((cell, i) => {
    const meta: Record<string, string> = {};
    const own: Record<string, unknown> = {};
    let cellSeeds = seeds;
    for (const [k, v] of Object.entries(cell)) {
      if (k === "seeds") cellSeeds = typeof v === "number" ? Array.from({ length: v }, (_, j) => spec.seed0 + j) : (v as number[]);
      else if ((META_KEYS as readonly string[]).includes(k)) meta[k] = v as string;
      else own[k] = v;
    }
    for (const pt of points) {
      const merged = { ...spec.base, ...pt.values, ...own };
      // attribute an error on field f to where f was set: the cell, the grid, or the base
      // (a field set nowhere, e.g. one a cross-field rule requires, is the cell's to set, or the base's)
      const where = (f: string): string =>
        f in own ? `cells[${i}].${f}` : f in pt.values ? `grid.${f}[${pt.idx[f]}]` : spec.cells ? `cells[${i}].${f}` : `base.${f}`;
      const config = resolveCell(merged, where);
      const gridLabel = Object.entries(pt.values).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
      const ownLabel = Object.entries(own).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
      const c: SweepCell = {
        cellId: cellIdOf(config),
        config,
        experiment: meta["experiment"] ?? spec.experiment ?? spec.name,
        arm: meta["arm"] ?? "",
        label: [meta["label"] ?? ownLabel.join(","), gridLabel.join(",")].filter((s) => s !== "").join(" ") || "base",
        seeds: cellSeeds,
      };
      const key = `${c.cellId}\u0000${c.experiment}\u0000${c.arm}\u0000${c.label}`;
      if (!seenCell.has(key)) {
        seenCell.add(key);
        cells.push(c);
      }
    }
  });

  const jobs: Job[] = [];
  const seenJob = new Set<string>();
  for (const c of cells) {
    const cj = canonicalJson(c.config); // once per cell: jobIdOf's input is {"config":cj,"seed":s} (keys sorted)
    for (const seed of c.seeds) {
      const jobId = sha256(`{"config":${cj},"seed":${JSON.stringify(seed)}}`);
      if (seenJob.has(jobId)) continue;
      seenJob.add(jobId);
      jobs.push({ jobId, cellId: c.cellId, seed, config: c.config });
    }
  }
  return { name: spec.name, spec, seeds, cells, jobs };
}

function resolveCell(merged: Record<string, unknown>, where: (f: string) => string): RunConfig {
  const parsed = RunConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[0] ?? "");
    throw new SpecError(`${where(field)}: ${issue.message}${got(merged, issue.path)}`);
  }
  let config: RunConfig;
  try {
    config = resolveConfig(merged);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const m = /field "([^"]+)": (.*)$/.exec(err.message);
    if (m) throw new SpecError(`${where(m[1]!)}: ${m[2]}`);
    throw new SpecError(`${where("").replace(/\.$/, "")}: ${err.message}`);
  }
  const over = arenaOverflow(config);
  if (over !== null) throw new SpecError(`${where(over.field)}: ${over.message}`);
  return config;
}
