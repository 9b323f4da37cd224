// One cell: its config, the sweeps it belongs to, its statistics, every seed's run (status, T_mem,
// T_grok, delay) and the training curves of all its seeds overlaid with their mean; curves of seeds
// still running grow as live rows arrive, and a seed that finishes is redrawn from its recorded series.
// Reads /api/cells/:id and /api/cells/:id/series; live rows come from the page's event stream.

import { h, getJSON, fmtSteps, fmtNum, shortId, errorBox, isNum } from "./util.js";
import { mountCurves, append, chartRow } from "./charts.js";

function kv(pairs) {
  return h("dl", { class: "kv" }, pairs.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

function seedsTable(runs) {
  const cols = ["seed", "status", "result", "T_mem", "T_grok", "delay", "steps", "wall", "job"];
  return h(
    "table",
    { class: "grid", id: "seeds-table" },
    h("thead", {}, h("tr", {}, cols.map((c) => h("th", { class: ["seed", "T_mem", "T_grok", "delay", "steps", "wall"].includes(c) ? "num" : "" }, c)))),
    h(
      "tbody",
      {},
      runs.map((r) =>
        h(
          "tr",
          { dataset: { jobId: r.job_id, seed: r.seed } },
          h("td", { class: "num" }, r.seed),
          h("td", {}, h("span", { class: `tag ${r.status === "running" ? "run" : r.status === "failed" ? "bad" : r.status === "done" ? "ok" : "muted"}` }, r.status)),
          h("td", { class: r.result === "grokked" ? "good" : r.result ? "warn" : "" }, r.result ?? "—"),
          h("td", { class: "num", dataset: { col: "T_mem" } }, fmtSteps(r.T_mem)),
          h("td", { class: "num", dataset: { col: "T_grok" } }, fmtSteps(r.T_grok)),
          h("td", { class: "num", dataset: { col: "delay" } }, fmtSteps(r.delay)),
          h("td", { class: "num" }, fmtSteps(r.steps_run ?? r.last_step)),
          h("td", { class: "num" }, isNum(r.wall_s) ? `${r.wall_s.toFixed(1)} s` : "—"),
          h("td", { class: "id", title: r.job_id }, shortId(r.job_id), r.error ? h("div", { class: "bad small" }, r.error.split("\n")[0]) : null),
        ),
      ),
    ),
  );
}

export async function render(root, ctx, id) {
  let view = null;
  let disposed = false;
  const last = new Map(); // job → last step in the chart
  let jobsHere = new Set();
  let running = new Set();
  const chartBox = h("div", { class: "chart", id: "cell-chart" });

  const load = async () => {
    const [cell, series] = await Promise.all([getJSON(`/api/cells/${id}`), getJSON(`/api/cells/${id}/series`)]);
    if (disposed) return;
    const s = cell.stats;
    const c = cell.config;
    const title = cell.members[0] ? `${cell.members[0].experiment}/${cell.members[0].arm || "-"} ${cell.members[0].label}` : shortId(id);
    jobsHere = new Set(cell.runs.map((r) => r.job_id));
    running = new Set(cell.runs.filter((r) => r.status === "running").map((r) => r.job_id));
    const rows = [];
    last.clear();
    for (const sd of series.seeds) {
      const kind = sd.source === "live" ? "live" : "seed";
      for (const r of sd.rows) rows.push(chartRow(r, `seed ${sd.seed}`, sd.job_id, kind));
      if (sd.rows.length) last.set(sd.job_id, sd.rows[sd.rows.length - 1].step);
    }
    for (const r of series.mean) rows.push(chartRow(r, "mean", "mean", "mean"));
    root.replaceChildren(
      h("div", { class: "crumbs" }, h("a", { href: "#/" }, "Sweeps and cells"), " / ", title),
      h(
        "div",
        { class: "card" },
        h("h2", {}, title, " ", h("span", { class: "id" }, id)),
        h(
          "div",
          { class: "cols" },
          kv([
            ["model", `${c.model} · p ${c.p} · ${c.op}`],
            ["loss, dtype", `${c.loss} · ${c.dtype}`],
            ["clamp", c.wc === null ? "free (no clamp)" : `ρ ${c.rho} × w_c ${c.wc}`],
            ["τ, γ", `${c.tau}${c.gamma === null ? "" : ` · γ ${c.gamma}`}`],
            ["lr, wd, α", `${c.lr} · ${c.wd} · ${c.train_frac}`],
            ["budget", fmtSteps(c.steps)],
          ]),
          kv([
            ["seeds", s ? `${s.grokked}/${s.S} grokked · ${s.censored} censored · ${s.diverged} diverged` : "no finished seed"],
            ["T_mem (median)", fmtSteps(s?.T_mem)],
            ["T_grok (median)", fmtSteps(s?.T_grok)],
            ["delay", fmtSteps(s?.delay)],
            ["L at grok", s?.L_step ? `${fmtNum(s.L, 3)} (step ${fmtSteps(s.L_step)})` : "—"],
            ["‖W‖ at grok", fmtNum(s?.norm, 2)],
          ]),
          kv(cell.members.map((m) => [`sweep ${m.sweep}`, `${m.experiment}/${m.arm || "-"} · ${m.label} · ${m.jobs.done}/${m.jobs.total} done${m.jobs.running ? `, ${m.jobs.running} running` : ""}`])),
        ),
        s?.dropped ? h("p", { class: "warn small" }, s.dropped) : null,
      ),
      h(
        "div",
        { class: "card" },
        h("h2", {}, "Training curves"),
        h("p", { class: "muted small" }, "Every seed (thin) and the seed mean of the finished seeds (thick). Once a cell is complete every seed runs to the cell's last grok, as in the paper; until then a seed that stopped at its grok is carried forward. Solid: train, dashed: test. Running seeds grow live."),
        chartBox,
      ),
      h("div", { class: "card" }, h("h2", {}, "Seeds"), seedsTable(cell.runs)),
    );
    view?.finalize();
    view = await mountCurves(chartBox, rows, { colorTitle: "seed" });
  };

  try {
    await load();
  } catch (err) {
    root.replaceChildren(errorBox(err));
    return () => {};
  }

  let reloading = false;
  const unsub = ctx.live.subscribe((ev, d) => {
    if (!view) return;
    if (ev === "rows" && jobsHere.has(d.job_id)) {
      const from = last.get(d.job_id) ?? -1;
      const fresh = d.rows.filter((r) => r.step > from);
      if (!fresh.length) return;
      last.set(d.job_id, fresh[fresh.length - 1].step);
      const seed = document.querySelector(`#seeds-table tr[data-job-id="${d.job_id}"]`)?.dataset.seed ?? "?";
      void append(view, chartBox, fresh.map((r) => chartRow(r, `seed ${seed}`, d.job_id, "live")));
    } else if ((ev === "done" && jobsHere.has(d.job_id)) || (ev === "jobs" && d.jobs.some((j) => jobsHere.has(j.job_id) && !running.has(j.job_id)))) {
      if (reloading) return;
      reloading = true;
      void load().finally(() => (reloading = false));
    }
  });
  return () => {
    disposed = true;
    unsub();
    view?.finalize();
  };
}
