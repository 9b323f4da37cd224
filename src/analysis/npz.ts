// A reader for NumPy .npz archives: a zip (via fflate) whose members are .npy arrays (via npy.ts).
// Every error names the archive and, where it applies, the member, so a damaged file is easy to find.
// Not a writer, and it does not know what the arrays mean (npz-cells.ts does).

import { unzipSync } from "fflate";
import { parseNpy, type NpyArray } from "./npy.js";

/** Parse an .npz archive's bytes into its arrays by key (member name without ".npy"). */
export function readNpz(bytes: Uint8Array, name: string): Map<string, NpyArray> {
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(bytes);
  } catch (e) {
    throw new Error(`${name}: not a readable .npz (zip) archive: ${(e as Error).message}`);
  }
  const out = new Map<string, NpyArray>();
  for (const [member, data] of Object.entries(members)) {
    if (member.endsWith("/")) continue; // a directory entry
    if (!member.endsWith(".npy")) throw new Error(`${name}: member ${member} is not a .npy array; not an .npz file`);
    try {
      out.set(member.slice(0, -4), parseNpy(data));
    } catch (e) {
      throw new Error(`${name}: member ${member}: ${(e as Error).message}`);
    }
  }
  if (out.size === 0) throw new Error(`${name}: the archive holds no arrays`);
  return out;
}
