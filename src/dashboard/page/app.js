// The dashboard page's shell: the header, a hash router over the views (sweeps and cells, one cell,
// live runs, experiments, compare), and one EventSource on /api/live whose rows are kept per running
// job so any view can draw a live curve from its start. window.__grokscale exposes the state the
// end-to-end tests read. The views themselves live in their own modules.

import { h, getJSON, errorBox } from "./util.js";
import * as overview from "./overview.js";
import * as cellView from "./cellview.js";
import * as liveView from "./liveview.js";
import * as experiments from "./experiments.js";
import * as compare from "./compare.js";
import { hideTooltip } from "./charts.js";

const MAX_LIVE_ROWS = 20000; // per job, in the page

const state = {
  ready: false,
  route: "",
  live: { connected: false, jobs: [], rows: new Map(), counts: {} },
  compare: new Set(),
};
window.__grokscale = state;

// ---------------------------------------------------------------- live stream

const listeners = new Set();
const live = {
  jobs: () => state.live.jobs,
  rows: (jobId) => state.live.rows.get(jobId) ?? [],
  /** fn(event, data) for "jobs", "rows" and "done"; returns the unsubscriber */
  subscribe(fn) {
    listeners.add(fn);
    return () => listeners.delete(fn);
  },
};

function connectLive() {
  const pill = document.getElementById("live-status");
  const es = new EventSource("/api/live");
  const setPill = (text, cls) => {
    pill.textContent = text;
    pill.className = `pill ${cls}`;
  };
  es.addEventListener("open", () => {
    state.live.connected = true;
    setPill("live", "ok");
  });
  es.addEventListener("error", () => {
    state.live.connected = false;
    setPill("live: reconnecting", "warn");
  });
  const emit = (ev, data) => {
    for (const fn of listeners) {
      try {
        fn(ev, data);
      } catch (err) {
        console.error(err);
      }
    }
  };
  es.addEventListener("jobs", (e) => {
    const d = JSON.parse(e.data);
    state.live.jobs = d.jobs;
    const running = d.jobs.length;
    setPill(running ? `live: ${running} running` : "live: idle", running ? "run" : "ok");
    emit("jobs", d);
  });
  es.addEventListener("rows", (e) => {
    const d = JSON.parse(e.data);
    const kept = state.live.rows.get(d.job_id) ?? [];
    kept.push(...d.rows);
    if (kept.length > MAX_LIVE_ROWS) kept.splice(0, kept.length - MAX_LIVE_ROWS);
    state.live.rows.set(d.job_id, kept);
    state.live.counts[d.job_id] = kept.length;
    emit("rows", d);
  });
  es.addEventListener("done", (e) => {
    const d = JSON.parse(e.data);
    emit("done", d);
    state.live.rows.delete(d.job_id);
    delete state.live.counts[d.job_id];
  });
}

// ---------------------------------------------------------------- router

const VIEWS = [
  { re: /^#?\/?$/, view: overview, nav: "overview" },
  { re: /^#\/cell\/([0-9a-f]{64})$/, view: cellView, nav: "overview" },
  { re: /^#\/live$/, view: liveView, nav: "live" },
  { re: /^#\/experiments$/, view: experiments, nav: "experiments" },
  { re: /^#\/compare(?:\/([0-9a-f,]*))?$/, view: compare, nav: "compare" },
];

let dispose = null;
let generation = 0;

const ctx = {
  live,
  state,
  go: (hash) => {
    location.hash = hash;
  },
};

async function route() {
  const hash = location.hash || "#/";
  const match = VIEWS.map((v) => ({ ...v, m: v.re.exec(hash) })).find((v) => v.m);
  const main = document.getElementById("main");
  const gen = ++generation;
  hideTooltip();
  if (dispose) {
    try {
      dispose();
    } catch (err) {
      console.error(err);
    }
    dispose = null;
  }
  state.ready = false;
  state.route = hash;
  for (const a of document.querySelectorAll("nav a")) a.classList.toggle("active", a.dataset.nav === match?.nav);
  main.replaceChildren();
  if (!match) {
    main.append(h("div", { class: "card" }, h("h2", {}, "Not found"), h("p", {}, "No such view. "), h("a", { href: "#/" }, "Back to the sweeps")));
    state.ready = true;
    return;
  }
  const root = h("div", { class: "view" });
  main.append(root);
  try {
    const d = await match.view.render(root, ctx, match.m[1] ?? null);
    if (gen !== generation) {
      d?.();
      return;
    }
    dispose = d ?? null;
  } catch (err) {
    if (gen === generation) root.append(errorBox(err));
    console.error(err);
  }
  if (gen === generation) state.ready = true;
}

async function header() {
  try {
    const health = await getJSON("/api/health");
    const s = document.getElementById("store");
    s.textContent = health.store;
    s.title = `schema v${health.schema_version}, read-only`;
  } catch (err) {
    document.getElementById("store").textContent = `store unavailable: ${err.message}`;
  }
}

window.addEventListener("hashchange", () => void route());
void header();
connectLive();
void route();
