// Connecting to Redis for the queue: URL checks, a fail-fast probe (connect timeout, no retries, no
// offline queue) that turns an unreachable server into one clear error within seconds, the options
// BullMQ's queue and workers get afterwards, and a watchdog that gives up when Redis stays gone.
// No queue logic here; coordinator.ts and worker.ts use these.

import { Redis, type RedisOptions } from "ioredis";
import { parseRedisUrl, RedisUrlError } from "./redis-url.js";

export class RedisUnreachableError extends Error {}

export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

/** Validates a Redis URL (redis-url.ts: scheme, host, port, database index); returns it unchanged. */
export function checkRedisUrl(url: string): string {
  try {
    parseRedisUrl(url);
  } catch (err) {
    if (err instanceof RedisUrlError) throw new RedisUnreachableError(err.message);
    throw err;
  }
  return url;
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url;
  }
}

/** Retry reconnects with a short capped backoff (never forever-silent: see Watchdog). */
const retry = (times: number): number => Math.min(100 * 2 ** Math.min(times, 5), 2000);

/** Options for a long-lived client: reconnects, but commands fail instead of queueing forever. */
export function clientOptions(extra: RedisOptions = {}): RedisOptions {
  return { connectTimeout: DEFAULT_CONNECT_TIMEOUT_MS, maxRetriesPerRequest: 2, retryStrategy: retry, lazyConnect: true, ...extra };
}

/** Connection options handed to BullMQ (plain data; BullMQ builds its own ioredis clients). */
export interface BullConnection {
  url: string;
  connectTimeout: number;
  maxRetriesPerRequest: number | null;
  retryStrategy: (times: number) => number;
}

/**
 * For a BullMQ worker, which needs maxRetriesPerRequest null on its blocking connection; a queue
 * (the coordinator's) gets `retries` so that its calls fail instead of waiting forever.
 */
export function bullConnection(url: string, retries: number | null = null): BullConnection {
  return { url, connectTimeout: DEFAULT_CONNECT_TIMEOUT_MS, maxRetriesPerRequest: retries, retryStrategy: retry };
}

/**
 * Connects once, with no retries and a timeout, and PINGs: resolves with the server's version, or
 * rejects with a RedisUnreachableError that says where and why ("connect ECONNREFUSED ...").
 */
export async function probeRedis(url: string, timeoutMs: number = DEFAULT_CONNECT_TIMEOUT_MS): Promise<string> {
  checkRedisUrl(url);
  const { db } = parseRedisUrl(url);
  const seen: { error: Error | null } = { error: null };
  // database 0 first, then an explicit SELECT: a refused index is a clear error, not a later surprise
  const atZero = new URL(url);
  atZero.pathname = "";
  const r = new Redis(atZero.toString(), {
    lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null,
  });
  r.on("error", (err: Error) => (seen.error = err));
  const timer = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs + 500).unref(),
  );
  try {
    await Promise.race([
      (async () => {
        await r.connect();
        await r.ping();
      })(),
      timer,
    ]);
    try {
      await r.select(db);
    } catch (err) {
      throw new RedisUnreachableError(`Redis at ${redactUrl(url)} refuses database ${db} (${(err as Error).message}); use an index it has, e.g. /0`);
    }
    const info = await r.info("server");
    return /redis_version:([^\r\n]+)/.exec(info)?.[1] ?? "unknown";
  } catch (err) {
    if (err instanceof RedisUnreachableError) throw err;
    const why = seen.error?.message ?? (err as Error).message;
    throw new RedisUnreachableError(`cannot reach Redis at ${redactUrl(url)}: ${why}`);
  } finally {
    r.disconnect();
  }
}

/** A long-lived client with an error listener (ioredis prints unhandled errors otherwise). */
export function openClient(url: string, onError: (err: Error) => void = () => {}): Redis {
  const r = new Redis(url, clientOptions());
  r.on("error", onError);
  return r;
}

/**
 * Pings Redis every `everyMs`; when no ping has succeeded for `timeoutMs`, calls `onLost` once.
 * The coordinator and the worker use it so a lost server ends them with an error, not a hang.
 */
export class Watchdog {
  private lastOk = Date.now();
  private timer: NodeJS.Timeout;
  private fired = false;
  lastError = "";

  constructor(client: Redis, timeoutMs: number, onLost: (msg: string) => void, everyMs = 1000) {
    client.on("error", (err: Error) => (this.lastError = err.message)); // the cause (ECONNREFUSED, ...)
    this.timer = setInterval(() => {
      client.ping().then(
        () => (this.lastOk = Date.now()),
        (err: Error) => {
          if (client.status === "ready") this.lastError = err.message; // else the connection error says more
        },
      );
      if (!this.fired && Date.now() - this.lastOk > timeoutMs) {
        this.fired = true;
        onLost(`lost Redis for more than ${Math.round(timeoutMs / 1000)} s${this.lastError ? ` (${this.lastError})` : ""}`);
      }
    }, everyMs);
    this.timer.unref();
  }

  /** Notes a successful Redis call made elsewhere. */
  ok(): void {
    this.lastOk = Date.now();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
