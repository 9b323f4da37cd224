// Reading the paper's metrics folder from disk: every .npz under it (recursively, in sorted order)
// handed to npz-cells.ts. The only part of analysis/ that touches the file system; it is not a
// store loader (that is the sweep's) and does no statistics.

import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { cellsFromNpz, type NpzFile, type NpzImport } from "./npz-cells.js";

/** Load every .npz under `dir` as cell records; ids are paths relative to `dir`. */
export async function loadNpzDir(dir: string): Promise<NpzImport> {
  const st = await stat(dir).catch(() => null);
  if (!st || !st.isDirectory()) throw new Error(`${dir}: not a directory of .npz files`);
  const rels = (await listNpz(dir, "")).sort();
  if (rels.length === 0) throw new Error(`${dir}: no .npz files found`);
  const files: NpzFile[] = [];
  for (const rel of rels) files.push({ path: rel, bytes: new Uint8Array(await readFile(path.join(dir, rel))) });
  return cellsFromNpz(files);
}

async function listNpz(root: string, rel: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(root, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listNpz(root, r)));
    else if (e.isFile() && e.name.endsWith(".npz")) out.push(r);
  }
  return out;
}
