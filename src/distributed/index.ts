// The distributed layer's public surface: the queue coordinator (`sweep --redis`), the queue worker
// (`grokscale worker`), sharded local runs (`sweep --shard I/N`), store merging (`grokscale merge`),
// and the wire protocol between coordinator and workers. Re-exports only.

export { runDistributedSweep } from "./coordinator.js";
export type { DistributedSweepOptions, DistributedSummary } from "./coordinator.js";
export { runQueueWorker, MAX_STALLS } from "./worker.js";
export type { QueueWorkerOptions, WorkerEvent, WorkerSummary } from "./worker.js";
export { runShard } from "./local.js";
export type { ShardOptions } from "./local.js";
export { ShardError, parseShard, shardJobs } from "./jobs.js";
export type { Shard } from "./jobs.js";
export { MergeConflictError, mergeStores } from "./merge.js";
export type { MergeSourceSummary, MergeSummary } from "./merge.js";
export { DEFAULT_QUEUE, ProtocolError, checkJobData, decodeResult, encodeResult, keys, makeJobData, resultMismatch } from "./protocol.js";
export type { QueueJobData, QueueProgress, QueueResult, StartNote } from "./protocol.js";
export { QueueBusyError, acquireQueue, releaseQueue } from "./lock.js";
export { RedisUnreachableError, checkRedisUrl, probeRedis } from "./redis.js";
export { FolderCheckpoints, RedisCheckpoints } from "./ckpt-store.js";
export type { CheckpointPlace } from "./ckpt-store.js";
