// Small helpers of the dashboard page: an element builder (text only, never HTML from data), number
// formatting as the tables show it, and JSON fetching with the server's error message. No state and
// no views here; plain browser JavaScript, loaded as a module without any build step.

/** h("td", {class: "num", dataset: {value: 3}}, "text", childNode, ...) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "dataset") for (const [dk, dv] of Object.entries(v)) el.dataset[dk] = String(dv);
    else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "style" && typeof v === "object") Object.assign(el.style, v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export const isNum = (v) => typeof v === "number" && Number.isFinite(v);

/** Steps: integers with thousands separators, halves (a median of two) with one decimal. */
export function fmtSteps(v) {
  if (!isNum(v)) return "—";
  return Number.isInteger(v) ? v.toLocaleString("en-US") : v.toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

export function fmtNum(v, digits = 3) {
  if (!isNum(v)) return "—";
  if (v !== 0 && (Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3)) return v.toExponential(2);
  return v.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: Math.min(digits, 2) });
}

export function fmtValue(v) {
  if (Array.isArray(v)) return `[${v.map((x) => fmtNum(x)).join(", ")}]`;
  return fmtNum(v);
}

export function fmtAge(iso) {
  if (!iso) return "";
  const s = (Date.now() - Date.parse(iso)) / 1000;
  if (!Number.isFinite(s)) return iso;
  if (s < 90) return `${Math.max(0, Math.round(s))} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 172800) return `${Math.round(s / 3600)} h ago`;
  return iso.slice(0, 10);
}

export const shortId = (id) => (id ?? "").slice(0, 12);

export class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function getJSON(path) {
  const res = await fetch(path, { headers: { accept: "application/json" } });
  let body = null;
  try {
    body = await res.json();
  } catch {
    /* not JSON */
  }
  if (!res.ok) throw new HttpError(res.status, body?.message ?? `${res.status} ${res.statusText}`);
  return body;
}

/** A cell's short description: "mediation/up p17 ce ρ1 τ1.5". */
export function cellText(c) {
  const cfg = c.config ?? {};
  const g = cfg.gamma === null || cfg.gamma === undefined ? "" : ` γ${cfg.gamma}`;
  const m = cfg.model && cfg.model !== "mlp" ? ` ${cfg.model}` : "";
  return `${c.experiment}/${c.arm || "-"}${m} p${cfg.p} ${cfg.loss} ρ${cfg.rho_eff} τ${cfg.tau}${g}`;
}

export function progressBar(done, total, running = 0) {
  const pct = total > 0 ? (100 * done) / total : 0;
  const run = total > 0 ? (100 * running) / total : 0;
  return h(
    "span",
    { class: "bar", title: `${done} of ${total} done${running ? `, ${running} running` : ""}` },
    h("span", { class: "bar-done", style: { width: `${pct}%` } }),
    h("span", { class: "bar-run", style: { width: `${run}%`, left: `${pct}%` } }),
  );
}

export function errorBox(err) {
  return h("div", { class: "error" }, `Could not load: ${err?.message ?? err}`);
}
