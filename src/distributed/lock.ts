// The coordinator's lease on a queue: one coordinator (one store) per queue, so that a result is
// collected by the store that asked for it and "not asked for" means exactly that. A Redis key with
// the owner and a short expiry, refreshed while the coordinator runs; a holder that died on this host
// (pid gone) is taken over at once, one on another host when its lease lapses. Nothing else here.

import type { Redis } from "ioredis";
import { ownerIsDead } from "../sweep/claims.js";
import { keys } from "./protocol.js";

export class QueueBusyError extends Error {}

export const LEASE_MS = 20_000;

const REFRESH = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** Takes the queue's lease for `owner`, or throws QueueBusyError naming the holder. */
export async function acquireQueue(redis: Redis, queue: string, owner: string, leaseMs = LEASE_MS): Promise<void> {
  const key = keys.coordinator(queue);
  for (let attempt = 0; attempt < 3; attempt++) {
    if ((await redis.set(key, owner, "PX", leaseMs, "NX")) === "OK") return;
    const holder = await redis.get(key);
    if (holder === null) continue; // expired meanwhile
    if (holder === owner) return;
    if (ownerIsDead(holder, owner)) {
      // a coordinator of this host that is gone (killed): take its lease over, if nobody beat us to it
      const swapped = await redis.eval(
        `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 end return 0`,
        1, key, holder, owner, String(leaseMs),
      );
      if (swapped === 1) return;
      continue;
    }
    const [host, pid] = holder.split("|");
    const ttl = await redis.pttl(key);
    throw new QueueBusyError(
      `queue "${queue}" is already coordinated by another sweep (host ${host}, pid ${pid}); ` +
        `stop that one, use another --queue, or wait ${Math.max(1, Math.ceil(ttl / 1000))} s if it died on another machine`,
    );
  }
  throw new QueueBusyError(`queue "${queue}": could not take the coordinator lease`);
}

/** Extends the lease; false if it was lost (another coordinator took the queue over). */
export async function refreshQueue(redis: Redis, queue: string, owner: string, leaseMs = LEASE_MS): Promise<boolean> {
  return (await redis.eval(REFRESH, 1, keys.coordinator(queue), owner, String(leaseMs))) === 1;
}

const REFRESH_STATE = `local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if cur then return -1 end
return 0`;

/**
 * Extends the lease and says what was found: "ok" (ours), "taken" (another coordinator holds it) or
 * "missing" (it lapsed, or Redis lost its data: the caller tells the two apart).
 */
export async function refreshLease(redis: Redis, queue: string, owner: string, leaseMs = LEASE_MS): Promise<"ok" | "taken" | "missing"> {
  const r = await redis.eval(REFRESH_STATE, 1, keys.coordinator(queue), owner, String(leaseMs));
  return r === 1 ? "ok" : r === -1 ? "taken" : "missing";
}

export async function releaseQueue(redis: Redis, queue: string, owner: string): Promise<void> {
  await redis.eval(RELEASE, 1, keys.coordinator(queue), owner);
}
