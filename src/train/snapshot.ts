// Snapshot encoding: a self-checking binary form of a training state, so checkpoints on disk, in a
// database or in Redis are verified before use. Layout: "GSNP" magic, u32 format version, u32 header
// length, UTF-8 JSON header (everything but the arrays, plus the array names and lengths), the
// float64 arrays (params, m, v in header order), then the SHA-256 of all preceding bytes.

import { createHash } from "node:crypto";
import type { Snapshot } from "./types.js";

const MAGIC = 0x504e5347; // "GSNP" little-endian
const FORMAT = 1;

export class SnapshotError extends Error {}

export function encodeSnapshot(s: Snapshot): Uint8Array {
  const names = Object.keys(s.params);
  const lengths = names.map((n) => s.params[n]!.length);
  const { params: _p, m: _m, v: _v, ...rest } = s;
  const header = new TextEncoder().encode(JSON.stringify({ ...rest, arrays: { names, lengths } }));
  const floats = 3 * lengths.reduce((a, b) => a + b, 0);
  const headPad = (8 - ((12 + header.length) % 8)) % 8;
  const body = 12 + header.length + headPad + floats * 8;
  const out = new Uint8Array(body + 32);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, MAGIC, true);
  dv.setUint32(4, FORMAT, true);
  dv.setUint32(8, header.length, true);
  out.set(header, 12);
  let off = 12 + header.length + headPad;
  for (const group of [s.params, s.m, s.v]) {
    for (const n of names) {
      const a = group[n]!;
      new Float64Array(out.buffer, off, a.length).set(a);
      off += a.length * 8;
    }
  }
  out.set(createHash("sha256").update(out.subarray(0, body)).digest(), body);
  return out;
}

export function decodeSnapshot(bytes: Uint8Array): Snapshot {
  if (bytes.length < 12 + 32) throw new SnapshotError(`snapshot truncated: ${bytes.length} bytes`);
  const buf = new Uint8Array(bytes); // own, aligned copy
  const dv = new DataView(buf.buffer);
  if (dv.getUint32(0, true) !== MAGIC) throw new SnapshotError("not a grokscale snapshot (bad magic)");
  if (dv.getUint32(4, true) !== FORMAT) throw new SnapshotError(`unknown snapshot format ${dv.getUint32(4, true)}`);
  const body = buf.length - 32;
  const want = createHash("sha256").update(buf.subarray(0, body)).digest();
  if (!Buffer.from(buf.subarray(body)).equals(want)) throw new SnapshotError("snapshot checksum mismatch (corrupt or truncated)");
  const hlen = dv.getUint32(8, true);
  if (12 + hlen > body) throw new SnapshotError("snapshot header overruns the file");
  const header = JSON.parse(new TextDecoder().decode(buf.subarray(12, 12 + hlen)));
  const { arrays, ...rest } = header as { arrays: { names: string[]; lengths: number[] } } & Omit<Snapshot, "params" | "m" | "v">;
  let off = 12 + hlen + ((8 - ((12 + hlen) % 8)) % 8);
  const groups: Record<string, Float64Array>[] = [{}, {}, {}];
  for (const g of groups) {
    arrays.names.forEach((n, i) => {
      const len = arrays.lengths[i]!;
      if (off + len * 8 > body) throw new SnapshotError("snapshot arrays overrun the file");
      g[n] = new Float64Array(buf.buffer.slice(off, off + len * 8));
      off += len * 8;
    });
  }
  if (off !== body) throw new SnapshotError("snapshot has trailing bytes before its checksum");
  return { ...rest, params: groups[0]!, m: groups[1]!, v: groups[2]! } as Snapshot;
}
