// Parsing a Redis URL before any connection: redis:// or rediss://, a host, an optional port in
// 1..65535, an optional database index as the path (/0, /3), and nothing else (no query, no
// fragment). Throws RedisUrlError with one line naming the URL (password hidden) and the bad part.
// Whether the server accepts the database index is checked by probeRedis (redis.ts).

export class RedisUrlError extends Error {}

export interface RedisTarget {
  host: string;
  port: number;
  db: number;
  tls: boolean;
}

const shown = (url: string): string => JSON.stringify(url.replace(/(\/\/[^:/@]*:)[^@/]*@/, "$1***@"));

/** Parses and checks a Redis URL; throws RedisUrlError naming the bad part. */
export function parseRedisUrl(url: string): RedisTarget {
  const bad = (why: string): RedisUrlError => new RedisUrlError(`invalid Redis URL ${shown(url)}: ${why}`);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw bad("expected redis://HOST[:PORT][/DB]");
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") throw bad("the scheme must be redis:// or rediss://");
  if (u.hostname === "") throw bad("no host");
  if (u.search !== "" || u.hash !== "") throw bad("no query or fragment is accepted; give the database as the path (/DB)");
  const port = u.port === "" ? 6379 : Number(u.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad(`port must be 1..65535 (got ${JSON.stringify(u.port)})`);
  const path = u.pathname;
  let db = 0;
  if (path !== "" && path !== "/") {
    const m = /^\/(\d{1,9})$/.exec(path);
    if (!m) throw bad(`the database index must be a whole number, as in redis://HOST:6379/0 (got ${JSON.stringify(path.slice(1))})`);
    db = Number(m[1]);
  }
  return { host: u.hostname, port, db, tls: u.protocol === "rediss:" };
}
