// Where a queued job's checkpoints live so that a job whose worker died resumes elsewhere: in Redis
// (a hash per job: the step and the sealed checkpoint envelope, replaced only by a later step) or in a
// folder the user names on a shared filesystem (checkpoints.ts files). Either way the trainer writes
// into a local folder; this file moves bytes between it and the shared place. No training here.

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { jobCheckpointDir, listCheckpoints, removeCheckpoints } from "../sweep/checkpoints.js";
import { keys } from "./protocol.js";

/** Checkpoints unused this long are dropped by Redis (a job resumed later simply starts over). */
const TTL_MS = 30 * 24 * 3600 * 1000;

export interface CheckpointPlace {
  /** the folder the trainer reads and writes for this job */
  localDir(jobId: string): string;
  /** brings the job's shared checkpoint (if any) into its local folder; returns its step or null */
  fetch(jobId: string): Promise<number | null>;
  /** publishes the newest local checkpoint; returns its step, or null if there was none or a later one is shared */
  publish(jobId: string): Promise<number | null>;
  /** drops the local copy (the job is finished or handed back) */
  dropLocal(jobId: string): void;
  /** drops the shared copy (the job's result is safe) */
  remove(jobId: string): Promise<void>;
  close(): void;
}

// Set the checkpoint only if it is of a later step than the one stored: a slow worker that lost its
// job can never replace a newer checkpoint with an older one.
const SET_IF_LATER = `
local cur = redis.call('HGET', KEYS[1], 'step')
if cur and tonumber(cur) >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'step', ARGV[1], 'data', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

const fileName = (step: number): string => `${String(step).padStart(12, "0")}.ckpt`;

/**
 * Removes scratch folders of workers of this host that are gone (killed before they could clean up):
 * `grokscale-worker-<pid>-*` whose pid no longer exists. Returns the removed paths.
 */
export function removeStaleScratch(dir: string): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = /^grokscale-worker-(\d+)-[A-Za-z0-9]{6}$/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid) continue;
    try {
      process.kill(pid, 0);
      continue; // alive
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ESRCH") continue; // alive under another user
    }
    rmSync(join(dir, name), { recursive: true, force: true });
    removed.push(join(dir, name));
  }
  return removed;
}

/** Checkpoints kept in Redis under grokscale:<queue>:ckpt:<jobId>, with a scratch folder per worker. */
export class RedisCheckpoints implements CheckpointPlace {
  private readonly scratch: string;

  constructor(private readonly redis: Redis, private readonly queue: string) {
    removeStaleScratch(tmpdir());
    this.scratch = mkdtempSync(join(tmpdir(), `grokscale-worker-${process.pid}-`));
  }

  localDir(jobId: string): string {
    return join(this.scratch, jobId);
  }

  async fetch(jobId: string): Promise<number | null> {
    const [step, data] = await this.redis.hmgetBuffer(keys.checkpoint(this.queue, jobId), "step", "data");
    if (step === null || data === null) return null;
    const n = Number(step.toString());
    if (!Number.isInteger(n) || n <= 0) return null;
    // written as the sealed file it came from; loadCheckpoint verifies it (and reports a bad one)
    const dir = this.localDir(jobId);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, fileName(n)), data);
    return n;
  }

  async publish(jobId: string): Promise<number | null> {
    const newest = listCheckpoints(this.localDir(jobId))[0];
    if (!newest) return null;
    let bytes: Buffer;
    try {
      bytes = readFileSync(newest.path);
    } catch {
      return null; // pruned meanwhile: a newer one is being written and will be published
    }
    const set = await this.redis.eval(SET_IF_LATER, 1, keys.checkpoint(this.queue, jobId), String(newest.step), bytes, String(TTL_MS));
    return set === 1 ? newest.step : null;
  }

  dropLocal(jobId: string): void {
    rmSync(this.localDir(jobId), { recursive: true, force: true });
  }

  async remove(jobId: string): Promise<void> {
    await this.redis.del(keys.checkpoint(this.queue, jobId));
  }

  close(): void {
    rmSync(this.scratch, { recursive: true, force: true });
  }
}

/** Checkpoints in a folder every worker sees (NFS, a cluster filesystem): the trainer's own files. */
export class FolderCheckpoints implements CheckpointPlace {
  constructor(private readonly root: string) {}

  localDir(jobId: string): string {
    return jobCheckpointDir(this.root, jobId);
  }

  async fetch(jobId: string): Promise<number | null> {
    return listCheckpoints(this.localDir(jobId))[0]?.step ?? null;
  }

  async publish(jobId: string): Promise<number | null> {
    return listCheckpoints(this.localDir(jobId))[0]?.step ?? null;
  }

  dropLocal(): void {
    /* the folder is the shared copy */
  }

  async remove(jobId: string): Promise<void> {
    removeCheckpoints(this.localDir(jobId));
  }

  close(): void {}
}
