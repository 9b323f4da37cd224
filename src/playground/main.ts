// The playground page (bundled by scripts/build-playground.mjs): controls bound to the shareable
// state in the URL, one training worker per arm, live charts with T_mem and T_grok marked, the
// embedding's spectrum per arm, and a stored run as an overlay (from the dashboard's API when served
// by `grokscale serve`, from a JSON file in the static build). The training itself is in worker.ts.

import { OPS, type RunConfig } from "../experiments/config.js";
import { GROK_ACC, MEM_ACC } from "../metrics/events.js";
import type { LogRow, SeedResult } from "../train/types.js";
import { drawChart, drawSpectrum, type Marker, type Series } from "./charts.js";
import type { FromWorker, ToWorker } from "./protocol.js";
import { armConfigs, decodeState, encodeState, MAX_P, SIZES, trainCommand, type ConfigFields, type PlaygroundState } from "./state.js";

const COLORS = ["#1f6feb", "#d1242f", "#1a7f37", "#8250df"];

interface Arm {
  config: RunConfig;
  seed: number;
  worker: Worker | null;
  status: "idle" | "loading" | "running" | "paused" | "done" | "error";
  step: number;
  rows: LogRow[];
  spectra: number[][];
  T_mem: number | null;
  T_grok: number | null;
  result: SeedResult | null;
  steps_per_s: number;
  error: string | null;
}

interface Overlay {
  label: string;
  rows: Array<Record<string, number>>;
}

interface Hook {
  ready: boolean;
  state: PlaygroundState;
  arms: Arm[];
  error: string | null;
  overlay: Overlay | null;
  storeMode: "server" | "file";
}

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

let state: PlaygroundState;
let arms: Arm[] = [];
let overlay: Overlay | null = null;
const hook: Hook = { ready: false, state: { seed: 0, base: {}, arms: [{}] }, arms: [], error: null, overlay: null, storeMode: "file" };
(globalThis as unknown as { __playground: Hook }).__playground = hook;

function showError(msg: string | null): void {
  hook.error = msg;
  $("error").textContent = msg ?? "";
}

// ---------------------------------------------------------------- state and URL

function setState(next: PlaygroundState): void {
  let configs: RunConfig[];
  try {
    configs = armConfigs(next);
  } catch (e) {
    showError((e as Error).message);
    return;
  }
  showError(null);
  state = next;
  hook.state = state;
  history.replaceState(null, "", `?${encodeState(state)}`);
  ($("share") as HTMLInputElement).value = location.href;
  resetArms(configs);
  renderControls();
}

function resetArms(configs: RunConfig[]): void {
  for (const a of arms) a.worker?.terminate();
  arms = configs.map((config) => ({
    config, seed: state.seed, worker: null, status: "idle", step: 0, rows: [], spectra: [],
    T_mem: null, T_grok: null, result: null, steps_per_s: 0, error: null,
  }));
  hook.arms = arms;
  scheduleDraw();
}

// ---------------------------------------------------------------- controls

type Field = { key: string; label: string; kind: "int" | "num" | "opt" | "choice"; choices?: readonly string[]; title?: string };

const SHARED: Field[] = [
  { key: "op", label: "operation", kind: "choice", choices: OPS },
  { key: "p", label: `p (≤ ${MAX_P})`, kind: "int" },
  { key: "train_frac", label: "train fraction", kind: "num" },
  { key: "dtype", label: "dtype", kind: "choice", choices: ["f32", "f64"] },
  { key: "steps", label: "steps", kind: "int" },
  { key: "eval_every", label: "eval every", kind: "int" },
];
const PER_ARM: Field[] = [
  { key: "loss", label: "loss", kind: "choice", choices: ["ce", "mse"] },
  { key: "tau", label: "τ", kind: "num" },
  { key: "rho", label: "ρ", kind: "num" },
  { key: "wc", label: "w_c (empty: free)", kind: "opt", title: "the clamp holds ‖W‖ = ρ·w_c from t_int on" },
  { key: "fork_at", label: "fork at", kind: "opt", title: "forking arm: free until this step" },
  { key: "fork_arm", label: "fork arm", kind: "choice", choices: ["free", "same", "raised", "lowered"] },
];

function parseField(f: Field, raw: string): unknown {
  if (f.kind === "choice") return raw;
  if (f.kind === "opt" && raw.trim() === "") return null;
  const n = Number(raw);
  return raw.trim() !== "" && Number.isFinite(n) ? n : raw; // zod names a bad value
}

function input(f: Field, value: unknown, onChange: (v: unknown) => void, name: string): HTMLElement {
  let el: HTMLInputElement | HTMLSelectElement;
  if (f.kind === "choice") {
    el = document.createElement("select");
    for (const c of f.choices!) el.add(new Option(c, c));
    el.value = String(value);
  } else {
    el = document.createElement("input");
    el.type = "number";
    el.step = "any";
    el.value = value === null || value === undefined ? "" : String(value);
  }
  el.name = name;
  if (f.title) el.title = f.title;
  el.addEventListener("change", () => onChange(parseField(f, el.value)));
  return el;
}

const effective = (arm: number, key: string): unknown => (arms[arm]?.config as unknown as Record<string, unknown> | undefined)?.[key];

function sizeOf(base: ConfigFields): string {
  for (const [name, s] of Object.entries(SIZES)) {
    if (Object.entries(s.fields).every(([k, v]) => (base[k] ?? null) === v || (k === "lr" && v === null && base[k] === undefined))) return name;
  }
  return "custom";
}

function renderControls(): void {
  const shared = $("shared");
  shared.replaceChildren();
  const c0 = arms[0]!.config as unknown as Record<string, unknown>;
  for (const f of SHARED) {
    const label = document.createElement("label");
    // eval_every sets log_every too: the page reads T_mem and T_grok off the logged rows as they come
    const set = (v: unknown) => setState({ ...state, base: { ...state.base, [f.key]: v, ...(f.key === "eval_every" ? { log_every: v } : {}) } });
    label.append(`${f.label} `, input(f, c0[f.key], set, f.key));
    shared.append(label);
  }
  const size = document.createElement("select");
  size.name = "size";
  for (const [name, s] of Object.entries(SIZES)) size.add(new Option(s.label, name));
  const current = sizeOf(state.base);
  if (current === "custom") size.add(new Option(`custom (d ${c0["d_embed"]}, H ${c0["hidden"]})`, "custom"));
  size.value = current;
  size.addEventListener("change", () => {
    const s = SIZES[size.value];
    if (s) setState({ ...state, base: { ...state.base, ...s.fields } });
  });
  const sizeLabel = document.createElement("label");
  sizeLabel.append("model ", size);
  shared.append(sizeLabel);
  const seed = document.createElement("input");
  seed.type = "number";
  seed.name = "seed";
  seed.value = String(state.seed);
  seed.addEventListener("change", () => {
    const n = Number(seed.value);
    if (!Number.isSafeInteger(n) || n < 0) return showError(`invalid seed: ${JSON.stringify(seed.value)} (expected an integer >= 0)`);
    setState({ ...state, seed: n });
  });
  const seedLabel = document.createElement("label");
  seedLabel.append("seed ", seed);
  shared.append(seedLabel);

  const head = $("arms").querySelector("thead")!;
  const body = $("arms").querySelector("tbody")!;
  head.replaceChildren();
  body.replaceChildren();
  const hr = head.insertRow();
  for (const t of ["arm", ...PER_ARM.map((f) => f.label), ""]) hr.append(Object.assign(document.createElement("th"), { textContent: t }));
  state.arms.forEach((armFields, i) => {
    const tr = body.insertRow();
    tr.insertCell().innerHTML = `<span class="swatch" style="background:${COLORS[i]}"></span> ${i + 1}`;
    for (const f of PER_ARM) {
      tr.insertCell().append(
        input(f, effective(i, f.key), (v) => {
          const next = structuredClone(state);
          next.arms[i] = { ...armFields, [f.key]: v };
          setState(next);
        }, `arm${i + 1}-${f.key}`),
      );
    }
    const rm = document.createElement("button");
    rm.textContent = "remove";
    rm.disabled = state.arms.length === 1;
    rm.addEventListener("click", () => setState({ ...state, arms: state.arms.filter((_, j) => j !== i) }));
    tr.insertCell().append(rm);
  });
  ($("add-arm") as HTMLButtonElement).disabled = state.arms.length >= COLORS.length;
  renderStatus();
}

// ---------------------------------------------------------------- workers

function send(a: Arm, m: ToWorker): void {
  a.worker?.postMessage(m);
}

function ensureWorker(a: Arm, i: number): void {
  if (a.worker) return;
  const w = new Worker(new URL("worker.js", location.href), { type: "module" });
  a.worker = w;
  a.status = "loading";
  w.onmessage = (e: MessageEvent<FromWorker>) => onWorker(a, e.data);
  w.onerror = (e) => onWorker(a, { type: "error", message: `arm ${i + 1}: worker failed: ${e.message}` });
  send(a, { type: "start", config: a.config, seed: a.seed });
}

function onWorker(a: Arm, m: FromWorker): void {
  switch (m.type) {
    case "ready":
      break;
    case "progress":
      // live marks from the logged rows (every evaluation is logged when log_every = eval_every, the
      // page's choice); the final result's events replace them when the arm is done
      for (const { row, spectrum } of m.rows) {
        a.rows.push(row);
        a.spectra.push(spectrum);
        if (a.T_mem === null && row.train_acc >= MEM_ACC) a.T_mem = row.step;
        if (a.T_grok === null && row.test_acc >= GROK_ACC) a.T_grok = row.step;
      }
      a.step = m.step;
      a.steps_per_s = m.steps_per_s;
      a.status = m.running ? "running" : "paused";
      break;
    case "done":
      a.result = m.result;
      a.T_mem = m.result.T_mem;
      a.T_grok = m.result.T_grok;
      a.step = m.result.steps_run;
      a.steps_per_s = m.steps_per_s;
      a.status = "done";
      a.worker?.terminate();
      a.worker = null;
      break;
    case "error":
      a.status = "error";
      a.error = m.message;
      showError(m.message);
      break;
  }
  scheduleDraw();
}

function command(kind: "run" | "pause" | "step"): void {
  arms.forEach((a, i) => {
    if (a.status === "done" || a.status === "error") return;
    if (kind === "pause") return send(a, { type: "pause" });
    ensureWorker(a, i);
    send(a, kind === "run" ? { type: "run" } : { type: "step", steps: a.config.eval_every });
    if (a.status !== "loading") a.status = "running";
  });
  scheduleDraw();
}

// ---------------------------------------------------------------- drawing

let drawQueued = false;
function scheduleDraw(): void {
  if (drawQueued) return;
  drawQueued = true;
  requestAnimationFrame(() => {
    drawQueued = false;
    draw();
  });
}

const f4 = (x: number | null | undefined) => (x === null || x === undefined ? "—" : Number.isInteger(x) ? String(x) : x.toPrecision(4));

function renderStatus(): void {
  const rows = arms.map((a, i) => {
    const last = a.rows[a.rows.length - 1];
    const d = a.T_mem !== null && a.T_grok !== null ? a.T_grok - a.T_mem : null;
    return `<tr data-arm="${i}"><td><span class="swatch" style="background:${COLORS[i]}"></span> ${i + 1}</td><td>${a.status}</td><td>${a.step}</td>` +
      `<td>${f4(a.T_mem)}</td><td>${f4(a.T_grok)}</td><td>${f4(d)}</td><td>${f4(last?.train_acc)}</td><td>${f4(last?.test_acc)}</td>` +
      `<td>${f4(last?.weight_norm)}</td><td>${f4(last?.logit_scale)}</td><td>${f4(last?.frac_saturated)}</td><td>${a.steps_per_s ? a.steps_per_s.toFixed(0) : "—"}</td></tr>` +
      `<tr><td></td><td colspan="11"><code>${trainCommand(a.config, a.seed)}</code></td></tr>`;
  });
  $("status").innerHTML =
    `<table><thead><tr><th>arm</th><th>status</th><th>step</th><th>T_mem</th><th>T_grok</th><th>delay</th><th>train acc</th><th>test acc</th><th>‖W‖</th><th>L</th><th>saturated</th><th>steps/s</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function draw(): void {
  renderStatus();
  const markers: Marker[] = arms.flatMap((a, i) => [
    ...(a.T_mem !== null ? [{ x: a.T_mem, color: COLORS[i]!, dash: [3, 3] }] : []),
    ...(a.T_grok !== null ? [{ x: a.T_grok, color: COLORS[i]! }] : []),
  ]);
  const xmax = Math.max(1, ...arms.map((a) => a.rows[a.rows.length - 1]?.step ?? 0), ...(overlay ? overlay.rows.map((r) => r["step"]!) : []));
  const series = (key: keyof LogRow | string, dashTest = false): Series[] => {
    const out: Series[] = arms.map((a, i) => ({ color: COLORS[i]!, dash: dashTest ? [5, 3] : [], points: a.rows.map((r) => [r.step, (r as unknown as Record<string, number>)[key]!] as [number, number]) }));
    if (overlay && overlay.rows.some((r) => Number.isFinite(r[key]))) out.unshift({ color: "#999", dash: dashTest ? [5, 3] : [], points: overlay.rows.map((r) => [r["step"]!, r[key]!] as [number, number]) });
    return out;
  };
  const x: [number, number] = [0, xmax];
  drawChart($("c-acc") as HTMLCanvasElement, { title: "accuracy: test (solid), train (dashed)", series: [...series("test_acc"), ...series("train_acc", true)], markers, y: [0, 1], x });
  drawChart($("c-loss") as HTMLCanvasElement, { title: "loss: test (solid), train (dashed), log scale", series: [...series("test_loss"), ...series("train_loss", true)], markers, logY: true, x });
  drawChart($("c-norm") as HTMLCanvasElement, { title: "‖W‖ (weight matrices)", series: series("weight_norm"), markers, x });
  drawChart($("c-scale") as HTMLCanvasElement, { title: "L = mean ‖z/τ‖", series: series("logit_scale"), markers, x });
  drawChart($("c-sat") as HTMLCanvasElement, { title: "saturated share (max softmax prob > 0.999)", series: series("frac_saturated"), markers, y: [0, 1], x });
  $("legend").innerHTML =
    arms.map((a, i) => `<div><span class="swatch" style="background:${COLORS[i]}"></span> arm ${i + 1}: ${a.config.loss} τ ${a.config.tau}${a.config.wc !== null ? ` ρ ${a.config.rho} w_c ${a.config.wc}` : ""}${a.config.fork_at !== null ? ` fork ${a.config.fork_arm}@${a.config.fork_at}` : ""}</div>`).join("") +
    (overlay ? `<div><span class="swatch" style="background:#999"></span> stored: ${escapeHtml(overlay.label)}</div>` : "") +
    `<div class="muted">vertical lines: T_mem dotted, T_grok solid</div>`;
  const spectra = $("spectra");
  while (spectra.children.length < arms.length) spectra.append(document.createElement("canvas"));
  while (spectra.children.length > arms.length) spectra.lastElementChild!.remove();
  arms.forEach((a, i) => {
    const own: Marker[] = [...(a.T_mem !== null ? [{ x: a.T_mem, color: COLORS[i]!, dash: [3, 3] }] : []), ...(a.T_grok !== null ? [{ x: a.T_grok, color: COLORS[i]! }] : [])];
    drawSpectrum(spectra.children[i] as HTMLCanvasElement, `arm ${i + 1}: embedding's Fourier power by frequency k (rows) over steps`, a.rows.map((r) => r.step), a.spectra, own);
  });
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// ---------------------------------------------------------------- stored runs

function setOverlay(o: Overlay | null): void {
  overlay = o;
  hook.overlay = o;
  $("overlay-label").textContent = o ? `overlay: ${o.label} (grey)` : "";
  $("store-clear").hidden = o === null;
  scheduleDraw();
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

async function detectStore(): Promise<void> {
  try {
    const r = await fetch("../api/cells", { headers: { accept: "application/json" } });
    if (!r.ok) throw new Error(String(r.status));
    const { cells } = (await r.json()) as { cells: Array<{ cell_id: string; label: string | null; sweep: string; config: Record<string, unknown> }> };
    const sel = $("store-cells") as HTMLSelectElement;
    for (const c of cells) {
      const k = c.config;
      sel.add(new Option(`${c.sweep}: ${c.label ?? c.cell_id} (p ${k["p"]}, ${k["loss"]}, τ ${k["tau"]}${k["wc"] !== null ? `, ρ ${k["rho"]}` : ""})`, c.cell_id));
    }
    hook.storeMode = "server";
    $("store-server").hidden = false;
    $("dashboard-link").hidden = false;
  } catch {
    hook.storeMode = "file";
    $("store-file").hidden = false;
  }
}

function wireStore(): void {
  $("store-load").addEventListener("click", async () => {
    const sel = $("store-cells") as HTMLSelectElement;
    if (!sel.value) return showError("no stored cell to load (the store is empty)");
    try {
      const r = await fetch(`../api/cells/${encodeURIComponent(sel.value)}/series?max_points=1000`);
      if (!r.ok) throw new Error(`stored run: HTTP ${r.status}`);
      setOverlay({ label: sel.selectedOptions[0]!.text, rows: rowsOf(await r.json()) });
    } catch (e) {
      showError((e as Error).message);
    }
  });
  $("store-json").addEventListener("change", async (e) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (!file) return;
    try {
      setOverlay({ label: file.name, rows: rowsOf(JSON.parse(await file.text())) });
    } catch (err) {
      showError((err as Error).message);
    }
  });
  $("store-clear").addEventListener("click", () => setOverlay(null));
  $("export").addEventListener("click", () => {
    const a = arms[0]!;
    const blob = new Blob([JSON.stringify({ config: a.config, seed: a.seed, T_mem: a.T_mem, T_grok: a.T_grok, rows: a.rows })], { type: "application/json" });
    const link = Object.assign(document.createElement("a"), { href: URL.createObjectURL(blob), download: `playground-p${a.config.p}-seed${a.seed}.json` });
    link.click();
    URL.revokeObjectURL(link.href);
  });
}

// ---------------------------------------------------------------- start

function boot(): void {
  try {
    state = decodeState(location.search);
  } catch (e) {
    showError(`${(e as Error).message}; showing the default run instead`);
    state = decodeState("");
  }
  const keepError = hook.error;
  setState(state);
  if (keepError) showError(keepError);
  $("start").addEventListener("click", () => command("run"));
  $("pause").addEventListener("click", () => command("pause"));
  $("step").addEventListener("click", () => command("step"));
  $("reset").addEventListener("click", () => setState(state));
  $("add-arm").addEventListener("click", () => setState({ ...state, arms: [...state.arms, { ...state.arms[state.arms.length - 1] }] }));
  addEventListener("resize", scheduleDraw);
  wireStore();
  void detectStore().then(() => {
    hook.ready = true;
  });
}

boot();
