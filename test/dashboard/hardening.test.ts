// The dashboard cases of issue 14, over a real listening server and a real store: /api/health and
// /api/sweeps name the store by its file name, never its absolute path; one client address may hold
// only so many live streams (429 beyond, a closed one frees its place); a request with two Host
// headers is refused even when the first is a good one.
import { createHash } from "node:crypto";
import { request, type IncomingMessage } from "node:http";
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { dirname } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_STREAMS_PER_CLIENT } from "../../src/dashboard/api.js";
import { startServer } from "../../src/dashboard/server.js";
import { runSweep } from "../../src/sweep/run.js";
import { TINY, cleanupTmp, ensureBuilt, tmpStore } from "../sweep/helpers.js";

let store: string;
let hash: string;
const sha = (f: string): string => createHash("sha256").update(readFileSync(f)).digest("hex");

beforeAll(async () => {
  ensureBuilt();
  store = tmpStore("dash-hard");
  expect((await runSweep({ name: "dh", seeds: 1, base: TINY }, { store, workers: 1 })).ran).toBe(1);
  hash = sha(store);
});
afterAll(() => {
  expect(sha(store)).toBe(hash); // the dashboard never wrote
  cleanupTmp();
});

/** Opens /api/live and resolves with the response once its head arrived (the stream stays open). */
function openStream(port: number): Promise<{ res: IncomingMessage; close: () => void; body: () => string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/api/live", agent: false }, (res) => {
      let text = "";
      res.on("data", (b: Buffer) => (text += b.toString()));
      res.on("error", () => {});
      resolve({ res, close: () => req.destroy(), body: () => text });
    });
    req.on("error", reject);
    req.end();
  });
}

/** Sends raw request bytes and resolves with the status code. */
function raw(port: number, head: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, "127.0.0.1");
    let text = "";
    sock.on("data", (b) => (text += b.toString("latin1")));
    sock.on("error", reject);
    sock.on("close", () => resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1] ?? 0)));
    sock.write(head);
  });
}

describe("dashboard hardening", () => {
  it("/api/health and /api/sweeps show the store's file name, not where it lives", async () => {
    const s = await startServer({ store, port: 0 });
    try {
      for (const path of ["api/health", "api/sweeps"]) {
        const text = await (await fetch(`${s.url}${path}`)).text();
        expect(JSON.parse(text)).toMatchObject({ store: "store.db" });
        expect(text).not.toContain(dirname(store));
      }
    } finally {
      await s.app.close();
    }
  });

  it("caps the live streams of one client address; closing one frees its place", async () => {
    for (const cap of [3, DEFAULT_STREAMS_PER_CLIENT]) {
      const s = await startServer({ store, port: 0, ...(cap === 3 ? { maxStreamsPerClient: 3 } : {}) });
      const port = Number(new URL(s.url).port);
      const open: Awaited<ReturnType<typeof openStream>>[] = [];
      try {
        for (let i = 0; i < cap; i++) open.push(await openStream(port));
        expect(open.map((o) => o.res.statusCode)).toEqual(Array(cap).fill(200));
        const over = await openStream(port);
        expect(over.res.statusCode).toBe(429);
        const t1 = Date.now();
        while (!over.body().endsWith("}") && Date.now() - t1 < 5000) await new Promise((r) => setTimeout(r, 20));
        expect(JSON.parse(over.body())).toMatchObject({ error: "too many streams" });
        over.close();
        open.shift()!.close();
        const t0 = Date.now();
        let again = await openStream(port);
        while (again.res.statusCode === 429 && Date.now() - t0 < 5000) {
          again.close();
          await new Promise((r) => setTimeout(r, 50));
          again = await openStream(port);
        }
        expect(again.res.statusCode).toBe(200);
        open.push(again);
      } finally {
        for (const o of open) o.close();
        await s.app.close();
      }
    }
  });

  it("refuses a request with two Host headers, even with the good one first", async () => {
    const s = await startServer({ store, port: 0 });
    const port = Number(new URL(s.url).port);
    try {
      const good = `Host: 127.0.0.1:${port}\r\n`;
      expect(await raw(port, `GET /api/health HTTP/1.1\r\n${good}Connection: close\r\n\r\n`)).toBe(200);
      expect(await raw(port, `GET /api/health HTTP/1.1\r\n${good}Host: evil.example\r\nConnection: close\r\n\r\n`)).toBe(400);
      expect(await raw(port, `GET /api/health HTTP/1.1\r\n${good}${good}Connection: close\r\n\r\n`)).toBe(400);
    } finally {
      await s.app.close();
    }
  });
});
