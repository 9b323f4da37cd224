// The playground's controls: the shared fields, the model size, the seed and the arms table (numbers,
// choices, and switches as checkboxes), drawn from the current state; every change goes through
// app.setState (validated, into the URL; a bad value shows its error and changes nothing).

import { LOSSES, OPS } from "../base/config.js";
import { $, COLORS, type App } from "./app.js";
import { MAX_P, SIZES, type ConfigFields } from "./state.js";

type Field = { key: string; label: string; kind: "int" | "num" | "opt" | "choice" | "bool"; choices?: readonly string[]; title?: string };

const SHARED: Field[] = [
  { key: "op", label: "operation", kind: "choice", choices: OPS },
  { key: "p", label: `p (≤ ${MAX_P})`, kind: "int" },
  { key: "train_frac", label: "train fraction", kind: "num" },
  { key: "dtype", label: "dtype", kind: "choice", choices: ["f32", "f64"] },
  { key: "steps", label: "steps", kind: "int" },
  { key: "eval_every", label: "eval every", kind: "int" },
];
const PER_ARM: Field[] = [
  { key: "loss", label: "loss", kind: "choice", choices: LOSSES },
  { key: "tau", label: "τ", kind: "num" },
  { key: "rho", label: "ρ", kind: "num" },
  { key: "wc", label: "w_c (empty: free)", kind: "opt", title: "the clamp holds ‖W‖ = ρ·w_c from t_int on" },
  { key: "fork_at", label: "fork at", kind: "opt", title: "forking arm: free until this step" },
  { key: "fork_arm", label: "fork arm", kind: "choice", choices: ["free", "same", "raised", "lowered"] },
  // beyond the paper (docs/study.md §11): E10's ⊥Grad cure (StableMax is a loss above) and E11's lr·ρ
  { key: "orthograd", label: "⊥Grad", kind: "bool", title: "⊥Grad: each gradient loses its component along its weights before AdamW (E10)" },
  { key: "lr_scale_with_rho", label: "lr·ρ", kind: "bool", title: "the learning rate is lr·ρ while the clamp holds (E11); needs w_c" },
];

function parseField(f: Field, raw: string): unknown {
  if (f.kind === "choice") return raw;
  if (f.kind === "opt" && raw.trim() === "") return null;
  const n = Number(raw);
  return raw.trim() !== "" && Number.isFinite(n) ? n : raw; // zod names a bad value
}

function input(f: Field, value: unknown, onChange: (v: unknown) => void, name: string): HTMLElement {
  let el: HTMLInputElement | HTMLSelectElement;
  if (f.kind === "bool") {
    const box = document.createElement("input");
    box.type = "checkbox";
    box.checked = value === true;
    box.name = name;
    if (f.title) box.title = f.title;
    box.addEventListener("change", () => onChange(box.checked));
    return box;
  }
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

const effective = (app: App, arm: number, key: string): unknown => (app.arms[arm]?.config as unknown as Record<string, unknown> | undefined)?.[key];

function sizeOf(base: ConfigFields): string {
  for (const [name, s] of Object.entries(SIZES)) {
    if (Object.entries(s.fields).every(([k, v]) => (base[k] ?? null) === v || (k === "lr" && v === null && base[k] === undefined))) return name;
  }
  return "custom";
}

export function renderControls(app: App): void {
  const shared = $("shared");
  shared.replaceChildren();
  const c0 = app.arms[0]!.config as unknown as Record<string, unknown>;
  for (const f of SHARED) {
    const label = document.createElement("label");
    // eval_every sets log_every too: the page reads T_mem and T_grok off the logged rows as they come
    const set = (v: unknown) => app.setState({ ...app.state, base: { ...app.state.base, [f.key]: v, ...(f.key === "eval_every" ? { log_every: v } : {}) } });
    label.append(`${f.label} `, input(f, c0[f.key], set, f.key));
    shared.append(label);
  }
  const size = document.createElement("select");
  size.name = "size";
  for (const [name, s] of Object.entries(SIZES)) size.add(new Option(s.label, name));
  const current = sizeOf(app.state.base);
  if (current === "custom") size.add(new Option(`custom (d ${c0["d_embed"]}, H ${c0["hidden"]})`, "custom"));
  size.value = current;
  size.addEventListener("change", () => {
    const s = SIZES[size.value];
    if (s) app.setState({ ...app.state, base: { ...app.state.base, ...s.fields } });
  });
  const sizeLabel = document.createElement("label");
  sizeLabel.append("model ", size);
  shared.append(sizeLabel);
  const seed = document.createElement("input");
  seed.type = "number";
  seed.name = "seed";
  seed.value = String(app.state.seed);
  seed.addEventListener("change", () => {
    const n = Number(seed.value);
    if (!Number.isSafeInteger(n) || n < 0) return app.showError(`invalid seed: ${JSON.stringify(seed.value)} (expected an integer >= 0)`);
    app.setState({ ...app.state, seed: n });
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
  app.state.arms.forEach((armFields, i) => {
    const tr = body.insertRow();
    tr.insertCell().innerHTML = `<span class="swatch" style="background:${COLORS[i]}"></span> ${i + 1}`;
    for (const f of PER_ARM) {
      tr.insertCell().append(
        input(f, effective(app, i, f.key), (v) => {
          const next = structuredClone(app.state);
          const { [f.key]: _, ...rest } = armFields;
          // a switch turned off is left out of the arm (the link stays short) unless it overrides a shared "on"
          next.arms[i] = v === false && app.state.base[f.key] !== true ? rest : { ...rest, [f.key]: v };
          app.setState(next);
        }, `arm${i + 1}-${f.key}`),
      );
    }
    const rm = document.createElement("button");
    rm.textContent = "remove";
    rm.disabled = app.state.arms.length === 1;
    rm.addEventListener("click", () => app.setState({ ...app.state, arms: app.state.arms.filter((_, j) => j !== i) }));
    tr.insertCell().append(rm);
  });
  ($("add-arm") as HTMLButtonElement).disabled = app.state.arms.length >= COLORS.length;
}
