// The dashboard's JSON endpoints (and the live event stream) over a read-only store: sweeps, cells
// with status and statistics, a cell's seeds and their curves, one run's curve, the analysis (tables
// and figure specs) and /api/live (server-sent events). Every parameter is checked by a JSON schema
// (ids are 64-hex hashes, numbers bounded, unknown query keys refused) so bad input is a 400 before
// any query runs. Nothing here writes to the store; statistics come from experiments.ts.

import { basename } from "node:path";
import type { FastifyInstance } from "fastify";
import type { LogRow } from "../base/results.js";
import type { CellSeries } from "../analysis/records.js";
import { meanSeries } from "../sweep/cells.js";
import { cellConfig, cellMembers, cellRuns, runInfo, runRows, sweeps, thin, liveJobs, StoreBusyError, type StoreReader } from "./db.js";
import type { AnalysisCache, CellStats } from "./experiments.js";
import type { LiveHub } from "./live.js";

export interface ApiDeps {
  reader: StoreReader;
  analysis: AnalysisCache;
  hub: LiveHub;
  /** open /api/live streams allowed per remote address (default DEFAULT_STREAMS_PER_CLIENT) */
  maxStreamsPerClient?: number;
}

/** Open event streams one remote address may hold (a browser tab holds one). */
export const DEFAULT_STREAMS_PER_CLIENT = 16;

export const HEX_ID = "^[0-9a-f]{64}$";
const SWEEP_NAME = "^[A-Za-z0-9][A-Za-z0-9._-]*$";
const idParams = (name: string) => ({
  type: "object",
  properties: { [name]: { type: "string", pattern: HEX_ID } },
  required: [name],
  additionalProperties: false,
});
const noQuery = { type: "object", properties: {}, additionalProperties: false };
const maxPoints = { type: "integer", minimum: 10, maximum: 50_000, default: 4000 };

export class NotFound extends Error {
  readonly statusCode = 404;
}

/** A stored config's fields the tables show. */
function configView(c: Record<string, unknown>) {
  const keys = ["model", "p", "op", "loss", "rho", "wc", "tau", "gamma", "dtype", "wd", "lr", "steps", "train_frac", "fork_at", "fork_arm"];
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = c[k] ?? null;
  out["rho_eff"] = c["wc"] === null ? 1 : c["rho"]; // the analysis' ρ: 1 for free cells
  return out;
}

/** The columns of a seed-mean series as rows, for plotting. */
function meanRows(s: CellSeries): Record<string, number>[] {
  return s.step.map((step, i) => ({
    step,
    logit_scale: s.logit_scale[i]!,
    weight_norm: s.weight_norm[i]!,
    frac_saturated: s.frac_saturated?.[i] ?? Number.NaN,
    collapse_rate: s.collapse_rate?.[i] ?? Number.NaN,
    train_acc: s.train_acc?.[i] ?? Number.NaN,
    test_acc: s.test_acc?.[i] ?? Number.NaN,
  }));
}

export function registerApi(app: FastifyInstance, { reader, analysis, hub, maxStreamsPerClient }: ApiDeps): void {
  const streamCap = maxStreamsPerClient ?? DEFAULT_STREAMS_PER_CLIENT;
  const streams = new Map<string, number>(); // open /api/live streams per remote address
  const storeName = basename(reader.path); // the file name only: the absolute path is nobody's business
  /** Per-cell statistics; the tables still load (without them) when the analysis fails on this store. */
  const cellStats = async (): Promise<{ stats: Map<string, CellStats>; fingerprint: string | null; analysis_error: string | null }> => {
    try {
      const { stats, payload } = await analysis.get();
      return { stats, fingerprint: payload.fingerprint, analysis_error: null };
    } catch (err) {
      if (err instanceof StoreBusyError) throw err;
      return { stats: new Map(), fingerprint: null, analysis_error: err instanceof Error ? err.message : String(err) };
    }
  };

  app.get("/api/health", { schema: { querystring: noQuery } }, async () =>
    reader.read((db) => ({ ok: true, read_only: true, store: storeName, schema_version: db.pragma("user_version", { simple: true }) })),
  );

  app.get("/api/sweeps", { schema: { querystring: noQuery } }, async () => {
    const st = await reader.read((db) => sweeps(db, reader.path));
    // a big sweep has thousands of unfinished jobs: the page lists the first ones
    return { ...st, store: storeName, sweeps: st.sweeps.map((s) => ({ ...s, unfinished_total: s.unfinished.length, unfinished: s.unfinished.slice(0, 100) })) };
  });

  app.get<{ Querystring: { sweep?: string } }>(
    "/api/cells",
    { schema: { querystring: { type: "object", properties: { sweep: { type: "string", pattern: SWEEP_NAME, maxLength: 200 } }, additionalProperties: false } } },
    async (req) => {
      const sweep = req.query.sweep ?? null;
      const members = await reader.read((db) => {
        if (sweep !== null && db.prepare(`SELECT 1 FROM sweeps WHERE name = ?`).get(sweep) === undefined) throw new NotFound(`no sweep named ${sweep}`);
        return cellMembers(db, sweep);
      });
      const { stats, fingerprint, analysis_error } = await cellStats();
      return {
        fingerprint,
        analysis_error,
        cells: members.map((m) => ({
          sweep: m.sweep, cell_id: m.cell_id, position: m.position, experiment: m.experiment, arm: m.arm, label: m.label,
          config: configView(m.config as unknown as Record<string, unknown>), jobs: m.jobs, stats: stats.get(m.cell_id) ?? null,
        })),
      };
    },
  );

  app.get<{ Params: { id: string } }>("/api/cells/:id", { schema: { params: idParams("id"), querystring: noQuery } }, async (req) => {
    const id = req.params.id;
    const found = await reader.read((db) => {
      const config = cellConfig(db, id);
      if (config === null) throw new NotFound(`no cell ${id}`);
      return { config, members: cellMembers(db, null, id), runs: cellRuns(db, id) };
    });
    const { stats, analysis_error } = await cellStats();
    return {
      cell_id: id,
      analysis_error,
      config: configView(found.config as unknown as Record<string, unknown>),
      members: found.members.map(({ config: _c, ...m }) => m),
      runs: found.runs,
      stats: stats.get(id) ?? null,
    };
  });

  app.get<{ Params: { id: string }; Querystring: { max_points: number } }>(
    "/api/cells/:id/series",
    { schema: { params: idParams("id"), querystring: { type: "object", properties: { max_points: maxPoints }, additionalProperties: false } } },
    async (req) => {
      const { id } = req.params;
      const max = req.query.max_points;
      return reader.read((db) => {
        if (cellConfig(db, id) === null) throw new NotFound(`no cell ${id}`);
        const runs = cellRuns(db, id);
        const done = new Map<number, LogRow[]>();
        const seeds = runs.map((r) => {
          const { source, rows } = runRows(db, r);
          if (source === "series" && r.result !== "diverged") done.set(r.seed, rows);
          return { seed: r.seed, job_id: r.job_id, status: r.status, result: r.result, T_mem: r.T_mem, T_grok: r.T_grok, source, rows: thin(rows, max) };
        });
        return { cell_id: id, seeds, mean: thin(meanRows(meanSeries(done)), max) };
      });
    },
  );

  app.get<{ Params: { jobId: string }; Querystring: { max_points: number } }>(
    "/api/runs/:jobId/series",
    { schema: { params: idParams("jobId"), querystring: { type: "object", properties: { max_points: maxPoints }, additionalProperties: false } } },
    async (req) =>
      reader.read((db) => {
        const run = runInfo(db, req.params.jobId);
        if (run === null) throw new NotFound(`no run ${req.params.jobId}`);
        const { source, rows } = runRows(db, run);
        return { ...run, source, rows: thin(rows, req.query.max_points) };
      }),
  );

  app.get("/api/live/jobs", { schema: { querystring: noQuery } }, async () => ({ jobs: await reader.read((db) => liveJobs(db)) }));

  app.get<{ Querystring: { job?: string } }>(
    "/api/live",
    {
      exposeHeadRoute: false, // a stream has no head
      schema: { querystring: { type: "object", properties: { job: { type: "string", pattern: HEX_ID } }, additionalProperties: false } },
    },
    async (req, reply) => {
      const addr = req.socket.remoteAddress ?? "?";
      const open0 = streams.get(addr) ?? 0;
      if (open0 >= streamCap) {
        return reply.code(429).header("retry-after", "5").send({ error: "too many streams", message: `at most ${streamCap} live streams per client` });
      }
      streams.set(addr, open0 + 1);
      let counted = true;
      const uncount = (): void => {
        if (!counted) return;
        counted = false;
        const n = (streams.get(addr) ?? 1) - 1;
        if (n <= 0) streams.delete(addr);
        else streams.set(addr, n);
      };
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-content-type-options": "nosniff",
      });
      let open = true;
      let remove: (() => void) | null = null;
      const sink = {
        write: (text: string) => {
          if (open) res.write(text);
        },
        end: () => {
          open = false;
          res.end();
        },
      };
      res.on("close", () => {
        uncount();
        open = false;
        remove?.();
      });
      try {
        remove = await hub.add(sink, req.query.job ?? null);
        if (!open) remove();
      } catch (err) {
        sink.write(`event: error\ndata: ${JSON.stringify({ message: err instanceof Error ? err.message : String(err) })}\n\n`);
        sink.end();
      }
    },
  );

  app.get("/api/analysis", { schema: { querystring: noQuery } }, async () => (await analysis.get()).payload);
}
