// The playground page (bundled by scripts/build-playground.mjs): the state from the URL, one training
// worker per arm, and the wiring of the buttons. The controls live in controls.ts, the charts and the
// status table in view.ts, stored runs in stored.ts; the training itself in worker.ts.

import type { RunConfig } from "../base/config.js";
import { GROK_ACC, MEM_ACC } from "../metrics/events.js";
import { $, type App, type Arm, type Hook } from "./app.js";
import { renderControls } from "./controls.js";
import type { FromWorker, ToWorker } from "./protocol.js";
import { armConfigs, decodeState, encodeState, type PlaygroundState } from "./state.js";
import { detectStore, wireStore } from "./stored.js";
import { draw, renderStatus } from "./view.js";

const hook: Hook = { ready: false, state: { seed: 0, base: {}, arms: [{}] }, arms: [], error: null, overlay: null, storeMode: "file" };
(globalThis as unknown as { __playground: Hook }).__playground = hook;

let drawQueued = false;

const app: App = {
  state: hook.state,
  arms: [],
  overlay: null,
  hook,
  setState,
  showError(msg) {
    hook.error = msg;
    $("error").textContent = msg ?? "";
  },
  scheduleDraw() {
    if (drawQueued) return;
    drawQueued = true;
    requestAnimationFrame(() => {
      drawQueued = false;
      draw(app);
    });
  },
};

function setState(next: PlaygroundState): void {
  let configs: RunConfig[];
  try {
    configs = armConfigs(next);
  } catch (e) {
    app.showError((e as Error).message);
    return;
  }
  app.showError(null);
  app.state = hook.state = next;
  history.replaceState(null, "", `?${encodeState(next)}`);
  ($("share") as HTMLInputElement).value = location.href;
  resetArms(configs);
  renderControls(app);
  renderStatus(app);
}

function resetArms(configs: RunConfig[]): void {
  for (const a of app.arms) a.worker?.terminate();
  app.arms = hook.arms = configs.map((config) => ({
    config, seed: app.state.seed, worker: null, status: "idle", step: 0, rows: [], spectra: [],
    T_mem: null, T_grok: null, result: null, steps_per_s: 0, error: null,
  }));
  app.scheduleDraw();
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
      app.showError(m.message);
      break;
  }
  app.scheduleDraw();
}

function command(kind: "run" | "pause" | "step"): void {
  app.arms.forEach((a, i) => {
    if (a.status === "done" || a.status === "error") return;
    if (kind === "pause") return send(a, { type: "pause" });
    ensureWorker(a, i);
    send(a, kind === "run" ? { type: "run" } : { type: "step", steps: a.config.eval_every });
    if (a.status !== "loading") a.status = "running";
  });
  app.scheduleDraw();
}

// ---------------------------------------------------------------- start

function boot(): void {
  let first: PlaygroundState;
  let linkError: string | null = null;
  try {
    first = decodeState(location.search);
  } catch (e) {
    linkError = `${(e as Error).message}; showing the default run instead`;
    first = decodeState("");
  }
  setState(first);
  if (linkError) app.showError(linkError);
  $("start").addEventListener("click", () => command("run"));
  $("pause").addEventListener("click", () => command("pause"));
  $("step").addEventListener("click", () => command("step"));
  $("reset").addEventListener("click", () => setState(app.state));
  $("add-arm").addEventListener("click", () => setState({ ...app.state, arms: [...app.state.arms, { ...app.state.arms[app.state.arms.length - 1] }] }));
  addEventListener("resize", () => app.scheduleDraw());
  wireStore(app);
  void detectStore(app).then(() => {
    hook.ready = true;
  });
}

boot();
