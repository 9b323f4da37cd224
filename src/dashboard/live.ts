// Live training curves for the dashboard: one poller per server reads the store's `live` table (rows a
// running sweep writes on each heartbeat) every pollMs, read-only, and pushes what is new to every
// connected client as server-sent events: `jobs` (the running jobs, when that list changes), `rows`
// (new rows of one job) and `done` (a job left the live table: its series is recorded). It polls only
// while someone listens. It does not know HTTP beyond writing event text to a stream.

import type { LogRow } from "../base/results.js";
import { liveJobs, liveRows, type LiveJob, type StoreReader } from "./db.js";

/** Where a client's events go (an HTTP response in the server, a list in tests). */
export interface LiveSink {
  write(text: string): void;
  end(): void;
}

interface Client {
  sink: LiveSink;
  /** only this job's rows (null: every running job) */
  job: string | null;
  /** per job, the last step this client has */
  last: Map<string, number>;
}

/** One server-sent event. */
export function sseEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** What `jobs` events carry: enough to list and label the running jobs. */
type JobView = Omit<LiveJob, "heartbeat_age_s">;
const view = (j: LiveJob): JobView => {
  const { heartbeat_age_s: _age, ...rest } = j;
  return rest;
};

export class LiveHub {
  private readonly clients = new Set<Client>();
  private timer: NodeJS.Timeout | null = null;
  private ping: NodeJS.Timeout | null = null;
  private busy = false;
  private lastJobs = "";
  private known = new Set<string>();
  private closed = false;

  constructor(private readonly reader: StoreReader, private readonly pollMs = 500, private readonly pingMs = 15_000) {}

  get size(): number {
    return this.clients.size;
  }

  /** Adds a client: it gets the running jobs and every live row so far, then what is new. Returns its remover. */
  async add(sink: LiveSink, job: string | null = null): Promise<() => void> {
    const client: Client = { sink, job, last: new Map() };
    const { jobs, rows } = await this.reader.read((db) => {
      const jobs = liveJobs(db);
      const rows = jobs.filter((j) => job === null || j.job_id === job).map((j) => ({ job_id: j.job_id, rows: liveRows(db, j.job_id) }));
      return { jobs, rows };
    });
    if (this.closed) {
      sink.end();
      return () => {};
    }
    sink.write(`retry: 2000\n\n`);
    sink.write(sseEvent("jobs", { jobs: jobs.map(view) }));
    for (const r of rows) this.deliver(client, r.job_id, r.rows);
    this.clients.add(client);
    this.start();
    return () => this.remove(client);
  }

  private remove(client: Client): void {
    this.clients.delete(client);
    if (this.clients.size === 0) this.stop();
  }

  private deliver(c: Client, jobId: string, rows: LogRow[]): void {
    if (c.job !== null && c.job !== jobId) return;
    const after = c.last.get(jobId) ?? -1;
    const fresh = rows.filter((r) => r.step > after);
    if (fresh.length === 0) return;
    c.last.set(jobId, fresh[fresh.length - 1]!.step);
    c.sink.write(sseEvent("rows", { job_id: jobId, rows: fresh }));
  }

  private start(): void {
    if (this.timer !== null || this.closed) return;
    this.timer = setInterval(() => void this.tick(), this.pollMs);
    this.ping = setInterval(() => this.broadcast(`: ping\n\n`), this.pingMs);
  }

  private stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    if (this.ping !== null) clearInterval(this.ping);
    this.timer = this.ping = null;
  }

  private broadcast(text: string): void {
    for (const c of this.clients) c.sink.write(text);
  }

  /** One poll: new rows per job (only from the step the slowest client has), the job list, finished jobs. */
  async tick(): Promise<void> {
    if (this.busy || this.clients.size === 0) return;
    this.busy = true;
    try {
      const clients = [...this.clients];
      const { jobs, fresh } = await this.reader.read((db) => {
        const jobs = liveJobs(db);
        const fresh: { job_id: string; rows: LogRow[] }[] = [];
        for (const j of jobs) {
          if (j.live_step === null) continue;
          const wanted = clients.filter((c) => c.job === null || c.job === j.job_id);
          if (wanted.length === 0) continue;
          const from = Math.min(...wanted.map((c) => c.last.get(j.job_id) ?? -1));
          if (j.live_step > from) fresh.push({ job_id: j.job_id, rows: liveRows(db, j.job_id, from) });
        }
        return { jobs, fresh };
      });
      const listed = JSON.stringify(jobs.map((j) => [j.job_id, j.last_step, j.live_step]));
      if (listed !== this.lastJobs) {
        this.lastJobs = listed;
        this.broadcast(sseEvent("jobs", { jobs: jobs.map(view) }));
      }
      for (const f of fresh) for (const c of this.clients) this.deliver(c, f.job_id, f.rows);
      const now = new Set(jobs.map((j) => j.job_id));
      for (const c of this.clients) for (const id of c.last.keys()) this.known.add(id);
      for (const id of [...this.known]) {
        if (now.has(id)) continue;
        this.known.delete(id);
        for (const c of this.clients) {
          if (!c.last.delete(id)) continue;
          c.sink.write(sseEvent("done", { job_id: id }));
        }
      }
    } catch {
      /* the store is busy or briefly unreadable: the next poll tries again */
    } finally {
      this.busy = false;
    }
  }

  /** Ends every stream and stops polling (the server is closing). */
  close(): void {
    this.closed = true;
    this.stop();
    for (const c of this.clients) c.sink.end();
    this.clients.clear();
  }
}
