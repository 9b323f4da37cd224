// The wire format between a coordinator and its queue workers: the data each BullMQ job carries, the
// result a worker hands back (in the store's exact JSON, sweep/json.ts, so a queued result has the bits
// of a local one; checked against the trainer's own result schema), and the checks each side applies
// before trusting the other. Types and pure functions only: no Redis, no store, no training.

import { z } from "zod";
import { canonicalJson, resolveConfig, type RunConfig } from "../base/config.js";
import { arenaOverflow } from "../base/limits.js";
import { fromJson, toJson } from "../sweep/json.js";
import { cellIdOf, jobIdOf, type Job } from "../experiments/sweep-spec.js";
import { LogRowSchema, SeedResultSchema, type LogRow, type SeedResult } from "../base/results.js";

/** Results travel in sweep/json.ts's JSON. (Earlier builds tagged NaN, ±Infinity and -0 as
 *  {"$num": ...}; finite numbers read the same, and a tagged value fails the result schema by name.) */
export const PROTOCOL = 1;
export const DEFAULT_QUEUE = "grokscale";
/** BullMQ's job name for our jobs (the queue may only hold these) */
export const JOB_NAME = "train";

export class ProtocolError extends Error {}

/** What a queued job carries: enough for any worker to train it and for anyone to check it. */
export interface QueueJobData {
  protocol: typeof PROTOCOL;
  jobId: string;
  /** sha256 of the resolved config's canonical JSON (the cell id) */
  configHash: string;
  seed: number;
  config: RunConfig;
  checkpointEvery: number;
  /** for display only */
  sweep: string;
  label: string;
}

/** One (re)start of a job on a worker: the resume history the coordinator records. */
export interface StartNote {
  owner: string;
  from_step: number;
  rejected: { step: number; reason: string }[];
  at: string;
}

/** What a worker returns for a finished job. */
export interface QueueResult {
  protocol: typeof PROTOCOL;
  jobId: string;
  configHash: string;
  seed: number;
  /** the code version of the worker that trained it (recorded with the run) */
  codeVersion: string;
  worker: string;
  result: SeedResult;
}

/** What a worker reports as the job's BullMQ progress. */
export interface QueueProgress {
  step: number;
  steps: number;
  fromStep: number;
  worker: string;
}

// ---- job data

export function makeJobData(job: Job, checkpointEvery: number, sweep: string, label: string): QueueJobData {
  return { protocol: PROTOCOL, jobId: job.jobId, configHash: cellIdOf(job.config), seed: job.seed, config: job.config, checkpointEvery, sweep, label };
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * A worker's check of a job before training it: the shape, the config as this worker's code
 * resolves it (a worker whose defaults differ refuses instead of computing something else), and the
 * hashes. `queueId` is the BullMQ job id, which must be the job id.
 */
export function checkJobData(data: unknown, queueId: string | undefined): QueueJobData {
  const d = data as Partial<QueueJobData> | null;
  if (!d || typeof d !== "object") throw new ProtocolError("job data is not an object");
  if (d.protocol !== PROTOCOL) throw new ProtocolError(`job data protocol ${String(d.protocol)}, this worker speaks ${PROTOCOL}`);
  if (typeof d.jobId !== "string" || !HEX64.test(d.jobId)) throw new ProtocolError("job data has no valid jobId");
  if (d.jobId !== queueId) throw new ProtocolError(`queue id ${String(queueId)} is not the job id ${d.jobId}`);
  if (!Number.isInteger(d.seed) || d.seed! < 0) throw new ProtocolError("job data has no valid seed");
  if (!Number.isInteger(d.checkpointEvery) || d.checkpointEvery! <= 0) throw new ProtocolError("job data has no valid checkpointEvery");
  let config: RunConfig;
  try {
    config = resolveConfig(d.config);
  } catch (err) {
    throw new ProtocolError(`job config rejected by this worker: ${(err as Error).message}`);
  }
  const over = arenaOverflow(config);
  if (over !== null) throw new ProtocolError(`job config rejected by this worker: ${over.field}: ${over.message}`);
  if (canonicalJson(config) !== canonicalJson(d.config)) {
    throw new ProtocolError("job config resolves differently in this worker (another grokscale version?)");
  }
  if (cellIdOf(config) !== d.configHash) throw new ProtocolError("job config hash does not match its config");
  if (jobIdOf(config, d.seed!) !== d.jobId) throw new ProtocolError("job id does not match its config and seed");
  return { ...(d as QueueJobData), config };
}

// ---- results

const QueueResultSchema = z.object({
  protocol: z.literal(PROTOCOL),
  jobId: z.string(),
  configHash: z.string(),
  seed: z.number().int(),
  codeVersion: z.string().min(1),
  worker: z.string(),
  result: SeedResultSchema, // the trainer's own schema (base/results.ts)
});

export const encodeResult = (r: QueueResult): string => toJson(r);

/** Parses a worker's return value; throws ProtocolError naming what is wrong. */
export function decodeResult(value: unknown): QueueResult {
  if (typeof value !== "string") throw new ProtocolError(`result is a ${value === null ? "null" : typeof value}, not an encoded result`);
  let raw: unknown;
  try {
    raw = fromJson(value);
  } catch {
    throw new ProtocolError("result is not valid JSON");
  }
  const parsed = QueueResultSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ProtocolError(`result field ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return parsed.data as QueueResult;
}

/**
 * The coordinator's check of a decoded result's envelope against the job it asked for: null, or why
 * not. The run inside is checked by the record step every path shares (sweep/job-record.ts).
 */
export function resultMismatch(r: QueueResult, want: { jobId: string; configHash: string; seed: number }): string | null {
  if (r.jobId !== want.jobId) return `result names job ${r.jobId.slice(0, 12)}, not ${want.jobId.slice(0, 12)}`;
  if (r.configHash !== want.configHash) return `config hash mismatch: result has ${r.configHash.slice(0, 12)}, job has ${want.configHash.slice(0, 12)}`;
  if (r.seed !== want.seed) return `seed mismatch: result is for seed ${r.seed}, job has ${want.seed}`;
  return null;
}

/** A live row as a worker pushes it (sweep/json.ts's JSON). */
export const encodeLiveRow = (row: LogRow): string => toJson(row);

/** A pushed live row, or null when it is not one (live rows are for display: a bad one is skipped). */
export function decodeLiveRow(text: string): LogRow | null {
  try {
    const parsed = LogRowSchema.safeParse(fromJson(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The Redis keys we keep beside BullMQ's, per queue. */
export const keys = {
  checkpoint: (queue: string, jobId: string): string => `grokscale:${queue}:ckpt:${jobId}`,
  starts: (queue: string, jobId: string): string => `grokscale:${queue}:starts:${jobId}`,
  /** a running job's logged rows, one encoded row per entry, for the coordinator's live rows */
  live: (queue: string, jobId: string): string => `grokscale:${queue}:live:${jobId}`,
  coordinator: (queue: string): string => `grokscale:${queue}:coordinator`,
};

/** Queue names: BullMQ keys embed them, so keep them plain. */
export function checkQueueName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) {
    throw new ProtocolError(`invalid queue name ${JSON.stringify(name)}: use letters, digits, '.', '_' and '-'`);
  }
  return name;
}
