// The playground's live view: the status table (per arm: events, last metrics, steps/s, the train
// command), the line charts with T_mem and T_grok marked, and each arm's spectrum heatmap.

import type { LogRow } from "../base/results.js";
import { $, COLORS, escapeHtml, type App } from "./app.js";
import { drawChart, drawSpectrum, type Marker, type Series } from "./charts.js";
import { trainCommand } from "./state.js";

const f4 = (x: number | null | undefined) => (x === null || x === undefined ? "—" : Number.isInteger(x) ? String(x) : x.toPrecision(4));

export function renderStatus(app: App): void {
  const rows = app.arms.map((a, i) => {
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

export function draw(app: App): void {
  renderStatus(app);
  const markers: Marker[] = app.arms.flatMap((a, i) => [
    ...(a.T_mem !== null ? [{ x: a.T_mem, color: COLORS[i]!, dash: [3, 3] }] : []),
    ...(a.T_grok !== null ? [{ x: a.T_grok, color: COLORS[i]! }] : []),
  ]);
  const xmax = Math.max(1, ...app.arms.map((a) => a.rows[a.rows.length - 1]?.step ?? 0), ...(app.overlay ? app.overlay.rows.map((r) => r["step"]!) : []));
  const series = (key: keyof LogRow | string, dashTest = false): Series[] => {
    const out: Series[] = app.arms.map((a, i) => ({ color: COLORS[i]!, dash: dashTest ? [5, 3] : [], points: a.rows.map((r) => [r.step, (r as unknown as Record<string, number>)[key]!] as [number, number]) }));
    if (app.overlay && app.overlay.rows.some((r) => Number.isFinite(r[key]))) out.unshift({ color: "#999", dash: dashTest ? [5, 3] : [], points: app.overlay.rows.map((r) => [r["step"]!, r[key]!] as [number, number]) });
    return out;
  };
  const x: [number, number] = [0, xmax];
  drawChart($("c-acc") as HTMLCanvasElement, { title: "accuracy: test (solid), train (dashed)", series: [...series("test_acc"), ...series("train_acc", true)], markers, y: [0, 1], x });
  drawChart($("c-loss") as HTMLCanvasElement, { title: "loss: test (solid), train (dashed), log scale", series: [...series("test_loss"), ...series("train_loss", true)], markers, logY: true, x });
  drawChart($("c-norm") as HTMLCanvasElement, { title: "‖W‖ (weight matrices)", series: series("weight_norm"), markers, x });
  drawChart($("c-scale") as HTMLCanvasElement, { title: "L = mean ‖z/τ‖", series: series("logit_scale"), markers, x });
  drawChart($("c-sat") as HTMLCanvasElement, { title: "saturated share (max softmax prob > 0.999)", series: series("frac_saturated"), markers, y: [0, 1], x });
  $("legend").innerHTML =
    app.arms.map((a, i) => `<div><span class="swatch" style="background:${COLORS[i]}"></span> arm ${i + 1}: ${a.config.loss} τ ${a.config.tau}${a.config.orthograd ? " ⊥Grad" : ""}${a.config.wc !== null ? ` ρ ${a.config.rho} w_c ${a.config.wc}${a.config.lr_scale_with_rho ? " lr·ρ" : ""}` : ""}${a.config.fork_at !== null ? ` fork ${a.config.fork_arm}@${a.config.fork_at}` : ""}</div>`).join("") +
    (app.overlay ? `<div><span class="swatch" style="background:#999"></span> stored: ${escapeHtml(app.overlay.label)}</div>` : "") +
    `<div class="muted">vertical lines: T_mem dotted, T_grok solid</div>`;
  const spectra = $("spectra");
  while (spectra.children.length < app.arms.length) spectra.append(document.createElement("canvas"));
  while (spectra.children.length > app.arms.length) spectra.lastElementChild!.remove();
  app.arms.forEach((a, i) => {
    const own: Marker[] = [...(a.T_mem !== null ? [{ x: a.T_mem, color: COLORS[i]!, dash: [3, 3] }] : []), ...(a.T_grok !== null ? [{ x: a.T_grok, color: COLORS[i]! }] : [])];
    drawSpectrum(spectra.children[i] as HTMLCanvasElement, `arm ${i + 1}: embedding's Fourier power by frequency k (rows) over steps`, a.rows.map((r) => r.step), a.spectra, own);
  });
}

