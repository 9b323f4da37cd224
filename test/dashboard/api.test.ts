// The dashboard's HTTP API over a store filled by a tiny real sweep, through fastify's inject (no
// browser, no socket): every endpoint's numbers against the store itself (SQL, independent medians)
// and against the analysis; the 4xx answers to malformed parameters, traversal attempts and foreign
// Host headers; that it only reads; that a locked store gives 503 and then recovers.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { connect, type AddressInfo } from "node:net";
import { basename } from "node:path";
import Database from "better-sqlite3";
import { compile, type TopLevelSpec } from "vega-lite";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { summarizeCell } from "../../src/analysis/cell-stats.js";
import { analyzeCells } from "../../src/analysis/analyze.js";
import type { CellRecord } from "../../src/analysis/records.js";
import { StoreBusyError, StoreReader, thin } from "../../src/dashboard/db.js";
import { buildServer, type Dashboard } from "../../src/dashboard/server.js";
import { loadCellRecords, loadSeedRows, meanSeries } from "../../src/sweep/cells.js";
import { ensureBuilt } from "../sweep/helpers.js";
import { FIXTURE_SPEC, cleanup, fixtureStore } from "./helpers.js";

let store: string;
let d: Dashboard;
let records: CellRecord[];
let storeHash: string;
const sha = (f: string) => createHash("sha256").update(readFileSync(f)).digest("hex");

beforeAll(async () => {
  ensureBuilt(); // the sweep's worker threads load dist/
  store = await fixtureStore();
  storeHash = sha(store);
  d = await buildServer({ store, resamples: 200 });
  records = await loadCellRecords(store);
});
afterAll(async () => {
  await d?.app.close();
  cleanup();
});

const get = async (url: string, headers: Record<string, string> = {}) => {
  const r = await d.app.inject({ method: "GET", url, headers });
  return { status: r.statusCode, body: r.body, json: () => JSON.parse(r.body) as any, type: String(r.headers["content-type"] ?? "") };
};
const sql = <T>(q: string, ...p: unknown[]): T[] => {
  const db = new Database(store, { readonly: true });
  try {
    return db.prepare(q).all(...p) as T[];
  } finally {
    db.close();
  }
};
/** A GET with the request target exactly as given (no client-side normalisation). */
function rawGet(port: number, target: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, "127.0.0.1");
    let text = "";
    sock.on("data", (b) => (text += b.toString("latin1")));
    sock.on("error", reject);
    sock.on("close", () => resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1] ?? 0), body: text.slice(text.indexOf("\r\n\r\n") + 4) }));
    sock.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
  });
}
const med = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

describe("dashboard API", () => {
  it("the fixture sweep really ran: grokked and censored seeds", () => {
    const r = sql<{ result: string; n: number }>(`SELECT result, COUNT(*) AS n FROM runs GROUP BY result ORDER BY result`);
    expect(r.find((x) => x.result === "grokked")!.n).toBeGreaterThanOrEqual(4);
    expect(r.find((x) => x.result === "censored")!.n).toBeGreaterThanOrEqual(2);
  });

  it("/api/health: the store, read-only", async () => {
    const r = await get("/api/health");
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ ok: true, read_only: true, store: basename(store), schema_version: 1 }); // the file name only
    expect(await d.reader.read((db) => db.readonly)).toBe(true);
  });

  it("/api/sweeps: job counts equal the store's", async () => {
    const body = (await get("/api/sweeps")).json();
    const want = sql<Record<string, number>>(
      `SELECT COUNT(*) AS total, SUM(r.status = 'done') AS done, SUM(r.result = 'grokked') AS grokked, SUM(r.result = 'censored') AS censored
       FROM sweep_jobs sj JOIN runs r ON r.job_id = sj.job_id WHERE sj.sweep = ?`,
      FIXTURE_SPEC.name,
    )[0]!;
    expect(body.sweeps).toHaveLength(1);
    expect(body.sweeps[0]).toMatchObject({ name: "dash", cells: 4, ...want, running: 0, pending: 0, failed: 0 });
  });

  it("/api/cells: every cell with its jobs and the analysis' statistics, recomputed here from the runs", async () => {
    const { cells } = (await get("/api/cells")).json();
    expect(cells).toHaveLength(4);
    for (const c of cells) {
      const runs = sql<{ seed: number; T_mem: number | null; T_grok: number | null; result: string }>(
        `SELECT seed, T_mem, T_grok, result FROM runs WHERE cell_id = ? AND status = 'done'`,
        c.cell_id,
      );
      const grok = runs.filter((r) => r.T_grok !== null).map((r) => r.T_grok!);
      const mem = runs.filter((r) => r.T_mem !== null).map((r) => r.T_mem!);
      const T_grok = 2 * grok.length >= runs.length && grok.length > 0 ? med(grok) : null;
      const T_mem = mem.length ? med(mem) : null;
      expect(c.jobs).toMatchObject({ total: 2, done: 2, grokked: grok.length, censored: runs.filter((r) => r.result === "censored").length });
      expect(c.stats).toMatchObject({ S: runs.length, grokked: grok.length, T_grok, T_mem, delay: T_grok !== null && T_mem !== null ? T_grok - T_mem : null });
      const rec = records.find((r) => r.id === c.cell_id)!;
      const s = summarizeCell(rec);
      expect(c.stats.L).toBe(s.L);
      expect(c.stats.norm).toBe(s.norm);
      expect(c.config.p).toBe(17);
    }
    const slow = cells.find((c: any) => c.label === "slow ctrl");
    expect(slow.stats).toMatchObject({ grokked: 0, censored: 2, T_grok: null, counts: false });
    expect((await get("/api/cells?sweep=dash")).json().cells).toHaveLength(4);
    expect((await get("/api/cells?sweep=nope")).status).toBe(404);
  });

  it("/api/cells/:id: config, memberships and every seed's run", async () => {
    const id = records[0]!.id;
    const body = (await get(`/api/cells/${id}`)).json();
    expect(body.cell_id).toBe(id);
    expect(body.members).toEqual([expect.objectContaining({ sweep: "dash", experiment: "mediation", arm: "base", label: "base" })]);
    const runs = sql<{ job_id: string; seed: number; T_grok: number | null }>(`SELECT job_id, seed, T_grok FROM runs WHERE cell_id = ? ORDER BY seed`, id);
    expect(body.runs.map((r: any) => [r.job_id, r.seed, r.T_grok])).toEqual(runs.map((r) => [r.job_id, r.seed, r.T_grok]));
    expect((await get(`/api/cells/${"0".repeat(64)}`)).status).toBe(404);
  });

  it("/api/cells/:id/series: each seed's stored rows and the analysis' seed mean; max_points thins", async () => {
    const id = records[0]!.id;
    const body = (await get(`/api/cells/${id}/series`)).json();
    const perSeed = await loadSeedRows(store, id);
    expect(body.seeds.map((s: any) => s.seed)).toEqual([...perSeed.keys()]);
    for (const s of body.seeds) {
      expect(s.source).toBe("series");
      expect(s.rows.map((r: any) => r.step)).toEqual(perSeed.get(s.seed)!.map((r) => r.step));
      expect(s.rows.map((r: any) => r.test_acc)).toEqual(perSeed.get(s.seed)!.map((r) => r.test_acc));
    }
    const mean = meanSeries(perSeed);
    expect(body.mean.map((r: any) => r.step)).toEqual(mean.step);
    expect(body.mean.map((r: any) => r.logit_scale)).toEqual(mean.logit_scale);
    const small = (await get(`/api/cells/${id}/series?max_points=10`)).json();
    for (const s of small.seeds) {
      expect(s.rows.length).toBeLessThanOrEqual(10);
      expect(s.rows.at(-1).step).toBe(perSeed.get(s.seed)!.at(-1)!.step);
    }
    expect(thin([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 5)).toEqual([1, 4, 7, 10, 11]);
    expect(thin([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5)).toEqual([1, 3, 5, 7, 10]);
  });

  it("/api/runs/:jobId/series: one run's stored series", async () => {
    const [run] = sql<{ job_id: string; seed: number; cell_id: string }>(`SELECT job_id, seed, cell_id FROM runs ORDER BY job_id LIMIT 1`);
    const body = (await get(`/api/runs/${run!.job_id}/series`)).json();
    const steps = sql<{ step: number }>(`SELECT step FROM series WHERE job_id = ? ORDER BY step`, run!.job_id).map((r) => r.step);
    expect(body).toMatchObject({ job_id: run!.job_id, cell_id: run!.cell_id, seed: run!.seed, status: "done", source: "series" });
    expect(body.rows.map((r: any) => r.step)).toEqual(steps);
    expect((await get(`/api/runs/${"f".repeat(64)}/series`)).status).toBe(404);
  });

  it("/api/analysis: the analysis' headline and notes, the report's figures (valid Vega-Lite), the delay plot", async () => {
    const body = (await get("/api/analysis")).json();
    const a = analyzeCells(records, { bootstrap: { resamples: 200 } });
    expect(body.headline).toEqual(JSON.parse(JSON.stringify(a.headline)));
    expect(body.notes).toEqual(a.notes);
    expect(body.errors).toEqual([]);
    const counting = records.filter((r) => {
      const s = summarizeCell(r);
      return s.dropped === null && s.T_grok !== null && s.T_mem !== null && s.T_grok > s.T_mem;
    });
    expect(body.collapse.spec.data.values.map((v: any) => v.cell_id).sort()).toEqual(counting.map((c) => c.id).sort());
    const e2 = body.sections.find((s: any) => s.id === "e2");
    expect(e2.hasCells).toBe(true);
    expect(e2.tables.length).toBeGreaterThan(0);
    const specs = [body.collapse, ...body.sections.flatMap((s: any) => s.figures)].filter((f: any) => f.spec);
    expect(specs.length).toBeGreaterThanOrEqual(2);
    for (const f of specs) expect(() => compile(f.spec as TopLevelSpec)).not.toThrow();
    expect((await get("/api/live/jobs")).json()).toEqual({ jobs: [] });
  });

  it("malformed parameters are 400 with a JSON error; unknown ids 404", async () => {
    const id = records[0]!.id;
    const bad = [
      "/api/cells/xyz",
      `/api/cells/${id.toUpperCase()}`,
      `/api/cells/${id.slice(1)}`,
      `/api/cells/${id}0`,
      `/api/cells/${id}/series?max_points=5`,
      `/api/cells/${id}/series?max_points=1e9`,
      `/api/cells/${id}/series?max_points=abc`,
      `/api/cells/${id}/series?max_points=10.5`,
      `/api/cells/${id}/series?unknown=1`,
      "/api/runs/not-a-job/series",
      "/api/cells?sweep=a%20b",
      "/api/cells?sweep=-x",
      `/api/cells?sweep=${"a".repeat(300)}`,
      "/api/sweeps?x=1",
      "/api/live?job=123",
      "/api/analysis?refresh=1",
    ];
    for (const url of bad) {
      const r = await get(url);
      expect(r.status, url).toBe(400);
      expect(r.json().error, url).toBe("bad request");
    }
    for (const url of ["/api/nope", `/api/cells/${id}/nope`, "/etc/passwd", "/vendor/jquery.js", "/package.json"]) {
      const r = await get(url);
      expect(r.status, url).toBe(404);
      expect(r.json().error, url).toBe("not found");
    }
    const post = await d.app.inject({ method: "POST", url: "/api/cells", payload: {} });
    expect(post.statusCode).toBe(404);
  });

  it("path traversal, encoded or not, is refused and never reaches a file outside the page", async () => {
    const attempts = [
      "/../package.json",
      "/%2e%2e/package.json",
      "/%2E%2E/%2E%2E/etc/passwd",
      "/%252e%252e/package.json",
      "/..%2fpackage.json",
      "/..%252fpackage.json",
      "/vendor/..%2f..%2fpackage.json",
      "/vendor/../../package.json",
      "/api/../package.json",
      "//etc/passwd",
      "/%2Fetc%2Fpasswd",
      "/..\\package.json",
      "/%5c..%5cpackage.json",
      "/index.html%00.js",
      "/%zz",
    ];
    const refused = (url: string, r: { status: number; body: string }) => {
      expect(r.status, url).toBeGreaterThanOrEqual(400);
      expect(r.status, url).toBeLessThan(500);
      expect(r.body, url).not.toContain('"name": "grokscale"');
      expect(r.body, url).not.toContain("root:");
    };
    for (const url of attempts) refused(url, await get(url));
    // inject resolves dot segments itself: send the exact bytes over a socket too
    await d.app.listen({ host: "127.0.0.1", port: 0 });
    const port = (d.app.server.address() as AddressInfo).port;
    for (const url of [...attempts, "/./index.html", "/vendor/./vega.min.js", "/%2e/index.html", "/api/cells/../../etc/passwd"]) {
      const r = await rawGet(port, url);
      refused(url, r);
    }
    expect((await rawGet(port, "/index.html")).status).toBe(200);
    const page = await get("/");
    expect(page.status).toBe(200);
    expect(page.type).toContain("text/html");
    expect(page.body).toContain('id="tooltip"');
    expect((await get("/app.js")).type).toContain("text/javascript");
    const vega = await get("/vendor/vega.min.js");
    expect(vega.status).toBe(200);
    expect(vega.body.length).toBeGreaterThan(100_000);
  });

  it("a foreign Host header is refused on a loopback bind (DNS rebinding)", async () => {
    expect((await get("/api/health", { host: "evil.example:8177" })).status).toBe(421);
    expect((await get("/api/health", { host: "127.0.0.1:8177" })).status).toBe(200);
  });

  it("a store that stays locked answers 503, and the next request succeeds", async () => {
    const spy = vi.spyOn(d.reader, "read").mockRejectedValueOnce(new StoreBusyError("locked"));
    const r = await get("/api/sweeps");
    expect(r.status).toBe(503);
    expect(r.json().error).toBe("store busy");
    expect((await get("/api/sweeps")).status).toBe(200);
    spy.mockRestore();
    // the reader retries a busy read without blocking, then gives up
    const reader = new StoreReader(store, { retryForMs: 300 });
    try {
      let n = 0;
      const busy = Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" });
      expect(await reader.read(() => (++n < 3 ? (() => { throw busy; })() : n))).toBe(3);
      await expect(reader.read(() => { throw busy; })).rejects.toBeInstanceOf(StoreBusyError);
      await expect(reader.read(() => { throw new Error("other"); })).rejects.toThrow("other");
    } finally {
      reader.close();
    }
  });

  it("serving never changes the store", () => {
    expect(sha(store)).toBe(storeHash);
  });
});
