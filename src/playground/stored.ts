// Stored runs on the playground: a cell from the store through the dashboard's API when the page is
// served by `grokscale serve`, or a JSON file on a static host, drawn as a grey overlay; and the
// export of arm 1 as JSON (which loads back the same way).

import { $, type App, type Overlay } from "./app.js";

function setOverlay(app: App, o: Overlay | null): void {
  app.overlay = o;
  app.hook.overlay = o;
  $("overlay-label").textContent = o ? `overlay: ${o.label} (grey)` : "";
  $("store-clear").hidden = o === null;
  app.scheduleDraw();
}

/** Rows from a dashboard series response ({mean} or {seeds[].rows}), a `{rows}` object, or an exported arm. */
function rowsOf(json: unknown): Array<Record<string, number>> {
  const o = json as { rows?: unknown; mean?: unknown; seeds?: Array<{ rows?: unknown }> };
  const rows = Array.isArray(o?.mean) && o.mean.length ? o.mean : Array.isArray(o?.rows) ? o.rows : o?.seeds?.[0]?.rows;
  if (!Array.isArray(rows) || !rows.every((r) => r && typeof r === "object" && typeof (r as Record<string, unknown>)["step"] === "number")) {
    throw new Error("stored run: expected JSON with rows (objects with a numeric step), as the dashboard's /api/cells/ID/series or this page's export");
  }
  return rows as Array<Record<string, number>>;
}

export async function detectStore(app: App): Promise<void> {
  try {
    const r = await fetch("../api/cells", { headers: { accept: "application/json" } });
    if (!r.ok) throw new Error(String(r.status));
    const { cells } = (await r.json()) as { cells: Array<{ cell_id: string; label: string | null; sweep: string; config: Record<string, unknown> }> };
    const sel = $("store-cells") as HTMLSelectElement;
    for (const c of cells) {
      const k = c.config;
      sel.add(new Option(`${c.sweep}: ${c.label ?? c.cell_id} (p ${k["p"]}, ${k["loss"]}, τ ${k["tau"]}${k["wc"] !== null ? `, ρ ${k["rho"]}` : ""})`, c.cell_id));
    }
    app.hook.storeMode = "server";
    $("store-server").hidden = false;
    $("dashboard-link").hidden = false;
  } catch {
    app.hook.storeMode = "file";
    $("store-file").hidden = false;
  }
}

export function wireStore(app: App): void {
  $("store-load").addEventListener("click", async () => {
    const sel = $("store-cells") as HTMLSelectElement;
    if (!sel.value) return app.showError("no stored cell to load (the store is empty)");
    try {
      const r = await fetch(`../api/cells/${encodeURIComponent(sel.value)}/series?max_points=1000`);
      if (!r.ok) throw new Error(`stored run: HTTP ${r.status}`);
      setOverlay(app, { label: sel.selectedOptions[0]!.text, rows: rowsOf(await r.json()) });
    } catch (e) {
      app.showError((e as Error).message);
    }
  });
  $("store-json").addEventListener("change", async (e) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (!file) return;
    try {
      setOverlay(app, { label: file.name, rows: rowsOf(JSON.parse(await file.text())) });
    } catch (err) {
      app.showError((err as Error).message);
    }
  });
  $("store-clear").addEventListener("click", () => setOverlay(app, null));
  $("export").addEventListener("click", () => {
    const a = app.arms[0]!;
    const blob = new Blob([JSON.stringify({ config: a.config, seed: a.seed, T_mem: a.T_mem, T_grok: a.T_grok, rows: a.rows })], { type: "application/json" });
    const link = Object.assign(document.createElement("a"), { href: URL.createObjectURL(blob), download: `playground-p${a.config.p}-seed${a.seed}.json` });
    link.click();
    URL.revokeObjectURL(link.href);
  });
}
