// The file of the run-config option `init_from`: initial weights and the train/test split, so that a
// run can start from a state made elsewhere (scripts/torch-oracle.py writes them for the PyTorch
// oracle tests). JSON: {"format": "grokscale-init/1", "model": "mlp" | "transformer", "p": p,
// "params": {name: [values, row-major]} (every parameter of the model, biases included),
// "train": [pair indices], "test": [pair indices]} — a pair index as data/modular.ts numbers pairs
// (a·p + b for add); train and test partition all pairs, train (as many as train_frac gives) in the
// order training rows are used.
// Not here: Adam moments or steps (a run from an init file starts at step 0).

import { readFileSync } from "node:fs";
import { z } from "zod";
import type { RunConfig } from "../base/config.js";
import { formatZodError } from "../base/config.js";
import type { Dataset } from "../data/modular.js";
import type { ParamSet } from "../models/params.js";

export const INIT_FORMAT = "grokscale-init/1";

const Index = z.number().int().min(0);
const InitFileSchema = z
  .object({
    format: z.literal(INIT_FORMAT),
    model: z.enum(["mlp", "transformer"]),
    p: z.number().int().min(2),
    params: z.record(z.string(), z.array(z.number())),
    train: z.array(Index).min(1),
    test: z.array(Index),
  })
  .strict();

export type InitFile = z.output<typeof InitFileSchema>;

/** Parses and checks the file's structure; `where` names it in errors. */
export function parseInitFile(text: string, where: string): InitFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`init_from ${where}: not JSON (${(e as Error).message})`);
  }
  const parsed = InitFileSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`init_from ${where}: ${formatZodError(parsed.error, raw).replace("config ", "")}`);
  return parsed.data;
}

export function readInitFile(path: string): InitFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new Error(`init_from ${path}: cannot read it (${(e as Error).message})`);
  }
  return parseInitFile(text, path);
}

/**
 * Checks the file against the config, the model's parameters and the task's pairs, then writes the
 * weights into P (rounded to its dtype) and replaces the dataset's split.
 */
export function applyInitFile(f: InitFile, where: string, cfg: RunConfig, P: ParamSet, data: Dataset): void {
  const bad = (msg: string): never => {
    throw new Error(`init_from ${where}: ${msg}`);
  };
  if (f.model !== cfg.model) bad(`model is "${f.model}", the config's is "${cfg.model}"`);
  if (f.p !== cfg.p) bad(`p is ${f.p}, the config's is ${cfg.p}`);
  for (const name of Object.keys(f.params)) if (!P.entries.some((e) => e.name === name)) bad(`params.${name}: the model has no parameter of that name`);
  for (const e of P.entries) {
    const vals = f.params[e.name];
    if (!vals) bad(`params.${e.name} is missing`);
    if (vals!.length !== e.size) bad(`params.${e.name} has ${vals!.length} values, the model needs ${e.size} (shape [${e.shape}])`);
  }
  const seen = new Uint8Array(data.n);
  for (const [key, idx] of [["train", f.train], ["test", f.test]] as const) {
    for (const i of idx) {
      if (i >= data.n) bad(`${key} holds pair index ${i}, but the task has ${data.n} pairs`);
      if (seen[i]) bad(`${key} holds pair index ${i} a second time (train and test must partition the pairs)`);
      seen[i] = 1;
    }
  }
  if (f.train.length + f.test.length !== data.n) bad(`train and test hold ${f.train.length + f.test.length} pairs, the task has ${data.n}`);
  if (f.train.length !== data.train.length) {
    bad(`train holds ${f.train.length} pairs, train_frac ${cfg.train_frac} of ${data.n} gives ${data.train.length} (set train_frac to match)`);
  }
  for (const e of P.entries) P.slice(P.data, e.name).set(f.params[e.name]!);
  data.train = Int32Array.from(f.train);
  data.test = Int32Array.from(f.test);
}
