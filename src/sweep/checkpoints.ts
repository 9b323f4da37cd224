// Checkpoint files of one job: `<root>/<id[0:2]>/<jobId>/<step>.ckpt`, each an envelope (magic,
// payload length, sha256) around the runner's encoded snapshot, written atomically (tmp, fsync,
// rename, fsync of the folder). The two latest are kept so that a corrupt or truncated latest falls
// back to the one before it, or to a fresh start, never to garbage. Snapshot encoding itself is
// the runner's (train/snapshot.ts); this file only stores and verifies bytes.

import { createHash } from "node:crypto";
import {
  closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeSync,
} from "node:fs";
import { join } from "node:path";
import { threadId } from "node:worker_threads";

const MAGIC = Buffer.from("GSCKPT01", "ascii"); // 8 bytes
const HEADER = MAGIC.length + 8 + 32; // magic, payload length (u64 LE), sha256 of payload
const KEEP = 2;

export class CheckpointError extends Error {}

export function jobCheckpointDir(root: string, jobId: string): string {
  return join(root, jobId.slice(0, 2), jobId);
}

/** Wraps a payload in the checked envelope. */
export function sealCheckpoint(payload: Uint8Array): Buffer {
  const head = Buffer.alloc(HEADER);
  MAGIC.copy(head, 0);
  head.writeBigUInt64LE(BigInt(payload.length), MAGIC.length);
  createHash("sha256").update(payload).digest().copy(head, MAGIC.length + 8);
  return Buffer.concat([head, payload]);
}

/** Returns the payload of a sealed checkpoint; throws CheckpointError if it is corrupt or truncated. */
export function openCheckpoint(bytes: Uint8Array): Uint8Array {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < HEADER) throw new CheckpointError(`truncated: ${b.length} bytes, shorter than the header`);
  if (!b.subarray(0, MAGIC.length).equals(MAGIC)) throw new CheckpointError("not a grokscale checkpoint (bad magic)");
  const len = b.readBigUInt64LE(MAGIC.length);
  if (BigInt(b.length - HEADER) !== len) throw new CheckpointError(`truncated: ${b.length - HEADER} of ${len} bytes`);
  const payload = b.subarray(HEADER);
  const sum = createHash("sha256").update(payload).digest();
  if (!sum.equals(b.subarray(MAGIC.length + 8, HEADER))) throw new CheckpointError("checksum mismatch");
  return payload;
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The checkpoint files of a job, newest step first. */
export function listCheckpoints(dir: string): { step: number; path: string }[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .map((n) => /^(\d+)\.ckpt$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ step: Number(m[1]), path: join(dir, m[0]) }))
    .sort((a, b) => b.step - a.step);
}

/** Writes the checkpoint of `step` atomically, then prunes all but the newest KEEP. */
export function writeCheckpoint(dir: string, step: number, payload: Uint8Array): string {
  mkdirSync(dir, { recursive: true });
  const name = `${String(step).padStart(12, "0")}.ckpt`;
  const tmp = join(dir, `.${name}.tmp-${process.pid}-${threadId}`);
  const sealed = sealCheckpoint(payload);
  const fd = openSync(tmp, "w");
  try {
    let off = 0;
    while (off < sealed.length) off += writeSync(fd, sealed, off, sealed.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  const path = join(dir, name);
  renameSync(tmp, path);
  fsyncDir(dir);
  for (const old of listCheckpoints(dir).slice(KEEP)) {
    try {
      unlinkSync(old.path);
    } catch {
      /* another process pruned it */
    }
  }
  return path;
}

export interface LoadedCheckpoint<T> {
  /** the newest checkpoint that verified and decoded, or null: start from scratch */
  value: T | null;
  step: number;
  /** checkpoints that were rejected on the way, newest first, with the reason */
  rejected: { step: number; reason: string }[];
}

/**
 * Loads the newest good checkpoint: verifies the envelope, then `decode` (which may also reject,
 * e.g. a snapshot of another config); falls back to older files, then to nothing.
 */
export function loadCheckpoint<T>(dir: string, decode: (payload: Uint8Array, step: number) => T): LoadedCheckpoint<T> {
  const rejected: { step: number; reason: string }[] = [];
  for (const c of listCheckpoints(dir)) {
    try {
      const value = decode(openCheckpoint(readFileSync(c.path)), c.step);
      return { value, step: c.step, rejected };
    } catch (err) {
      rejected.push({ step: c.step, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  return { value: null, step: 0, rejected };
}

/** The job ids that have a checkpoint folder under `root`. */
export function checkpointedJobs(root: string): string[] {
  const out: string[] = [];
  let shards: string[];
  try {
    shards = readdirSync(root);
  } catch {
    return out;
  }
  for (const shard of shards) {
    try {
      out.push(...readdirSync(join(root, shard)).filter((n) => /^[0-9a-f]{64}$/.test(n)));
    } catch {
      /* not a folder */
    }
  }
  return out;
}

/** Removes a job's checkpoints (after its results are committed). */
export function removeCheckpoints(dir: string): void {
  rmSync(dir, { recursive: true, force: true }); // the shard folder stays: another job may be writing into it
}
