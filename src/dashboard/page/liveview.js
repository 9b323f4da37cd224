// Live runs: every job the store reports running, with its progress, and the curves of all of them (or
// one) growing as the sweep's heartbeats land in the store's live table. A job that finishes leaves the
// chart and is listed with a link to its cell, whose recorded curves replace the live ones. Everything
// comes from the page's one event stream on /api/live.

import { h, fmtSteps, shortId, progressBar } from "./util.js";
import { mountCurves, append, removeWhere, chartRow } from "./charts.js";

export async function render(root, ctx) {
  const table = h("div", { id: "live-jobs" });
  const finished = h("ul", { id: "live-finished", class: "small" }, h("li", { class: "muted" }, "none yet"));
  const select = h("select", { id: "live-filter", title: "show one job" }, h("option", { value: "" }, "all running jobs"));
  const chartBox = h("div", { class: "chart", id: "live-chart" });
  root.append(
    h(
      "div",
      { class: "card" },
      h("h2", {}, "Running jobs"),
      h("p", { class: "muted small" }, "Rows appear as the sweep's heartbeats write them to the store (a few seconds behind the trainer)."),
      table,
    ),
    h("div", { class: "card" }, h("div", { class: "toolbar" }, h("h2", {}, "Live curves"), select), chartBox),
    h("div", { class: "card" }, h("h2", {}, "Finished while watching"), finished),
  );

  const label = (j) => `${j.label || shortId(j.cell_id)} #${j.seed}`;
  const labels = new Map();
  const cellOf = new Map();
  const last = new Map();
  let only = "";
  const view = await mountCurves(chartBox, [], { colorTitle: "job" });

  const rowsOf = (jobId, rows) => {
    const from = last.get(jobId) ?? -1;
    const fresh = rows.filter((r) => r.step > from);
    if (fresh.length) last.set(jobId, fresh[fresh.length - 1].step);
    return fresh.map((r) => chartRow(r, labels.get(jobId) ?? shortId(jobId), jobId, "live"));
  };
  const fill = async () => {
    await removeWhere(view, chartBox, () => true);
    last.clear();
    const rows = [];
    for (const j of ctx.live.jobs()) if (!only || j.job_id === only) rows.push(...rowsOf(j.job_id, ctx.live.rows(j.job_id)));
    await append(view, chartBox, rows);
  };

  const drawJobs = (jobs) => {
    for (const j of jobs) {
      labels.set(j.job_id, label(j));
      cellOf.set(j.job_id, j.cell_id);
    }
    const keep = select.value;
    select.replaceChildren(h("option", { value: "" }, "all running jobs"), ...jobs.map((j) => h("option", { value: j.job_id }, label(j))));
    select.value = jobs.some((j) => j.job_id === keep) ? keep : "";
    if (jobs.length === 0) {
      table.replaceChildren(h("p", { class: "muted", id: "live-none" }, "No job is running in this store right now."));
      return;
    }
    const cols = ["job", "sweep", "seed", "progress", "step", "live rows", "id"];
    table.replaceChildren(
      h(
        "table",
        { class: "grid", id: "live-table" },
        h("thead", {}, h("tr", {}, cols.map((c) => h("th", { class: ["seed", "step", "live rows"].includes(c) ? "num" : "" }, c)))),
        h(
          "tbody",
          {},
          jobs.map((j) => {
            const step = Math.max(j.last_step ?? 0, j.live_step ?? 0);
            return h(
              "tr",
              { dataset: { jobId: j.job_id } },
              h("td", {}, h("a", { href: `#/cell/${j.cell_id}` }, j.label || shortId(j.cell_id)), " ", h("span", { class: "muted small" }, `${j.experiment}/${j.arm || "-"}`)),
              h("td", {}, j.sweep ?? "—"),
              h("td", { class: "num" }, j.seed),
              h("td", {}, progressBar(step, j.steps)),
              h("td", { class: "num" }, `${fmtSteps(step)} / ${fmtSteps(j.steps)}`),
              h("td", { class: "num", dataset: { col: "rows" } }, ctx.live.rows(j.job_id).length),
              h("td", { class: "id", title: j.job_id }, shortId(j.job_id)),
            );
          }),
        ),
      ),
    );
  };

  drawJobs(ctx.live.jobs());
  await fill();
  select.addEventListener("change", () => {
    only = select.value;
    void fill();
  });

  const unsub = ctx.live.subscribe((ev, d) => {
    if (ev === "jobs") drawJobs(d.jobs);
    else if (ev === "rows") {
      const cell = document.querySelector(`#live-table tr[data-job-id="${d.job_id}"] td[data-col="rows"]`);
      if (cell) cell.textContent = String(ctx.live.rows(d.job_id).length);
      if (!only || only === d.job_id) void append(view, chartBox, rowsOf(d.job_id, d.rows));
    } else if (ev === "done") {
      const name = labels.get(d.job_id) ?? shortId(d.job_id);
      const cell = cellOf.get(d.job_id);
      finished.querySelector("li.muted")?.remove();
      finished.prepend(h("li", {}, `${new Date().toLocaleTimeString()}: ${name} recorded `, cell ? h("a", { href: `#/cell/${cell}` }, "open its cell") : null));
      last.delete(d.job_id);
      void removeWhere(view, chartBox, (r) => r.line === d.job_id);
    }
  });
  return () => {
    unsub();
    view.finalize();
  };
}
