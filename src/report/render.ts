// Vega-Lite spec -> SVG string in Node: compile with vega-lite, run a headless vega View (renderer
// "none", so no canvas package is needed; text is measured by vega's estimate) and take toSVG().
// Element ids are prefixed per figure so several SVGs can sit inline in one HTML page. Warnings from
// vega-lite and vega are collected and returned, never printed. No spec building here (figures*.ts).

import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

export type VlSpec = Record<string, unknown>;

/** Look shared by every figure: plain sans-serif text, white background, no external resources. */
export const FIGURE_CONFIG = {
  font: "Helvetica, Arial, sans-serif",
  background: "white",
  view: { stroke: "#ccc" },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: "#eee" },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 360 },
  title: { fontSize: 14, subtitleFontSize: 11, subtitleColor: "#555", anchor: "start" },
  header: { labelFontSize: 12, titleFontSize: 12 },
} as const;

export interface Rendered {
  svg: string;
  warnings: string[];
}

/** Render one Vega-Lite spec to a standalone SVG string with ids prefixed by `idPrefix`. */
export async function renderSvg(spec: VlSpec, idPrefix: string): Promise<Rendered> {
  const warnings: string[] = [];
  const logger = collectingLogger(warnings);
  const full = { ...spec, config: { ...FIGURE_CONFIG, ...((spec["config"] as object | undefined) ?? {}) } };
  const vg = compile(full as unknown as TopLevelSpec, { logger: logger as never }).spec;
  const view = new vega.View(vega.parse(vg), { renderer: "none", logger: logger as never, logLevel: vega.Warn });
  try {
    const svg = await view.toSVG();
    return { svg: prefixIds(svg, idPrefix), warnings };
  } finally {
    view.finalize();
  }
}

/** Make the SVG's element ids unique on a page: id="x" -> id="pre-x", and every #x reference. */
export function prefixIds(svg: string, prefix: string): string {
  const ids = new Set<string>();
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) ids.add(m[1]!);
  if (ids.size === 0) return svg;
  const p = (id: string) => (ids.has(id) ? `${prefix}-${id}` : id);
  return svg
    .replace(/(\sid=")([^"]+)(")/g, (_, a: string, id: string, b: string) => `${a}${p(id)}${b}`)
    .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${p(id)})`)
    .replace(/(href=")#([^"]+)(")/g, (_, a: string, id: string, b: string) => `${a}#${p(id)}${b}`);
}

/** A vega/vega-lite logger that stores warnings and errors instead of printing them. */
function collectingLogger(out: string[]) {
  let lvl = vega.Warn;
  const push = (kind: string, args: unknown[]) => out.push(`${kind}: ${args.map(String).join(" ")}`);
  const logger = {
    level(l?: number) {
      if (l === undefined) return lvl;
      lvl = l;
      return logger;
    },
    error(...args: unknown[]) {
      push("error", args);
      return logger;
    },
    warn(...args: unknown[]) {
      if (lvl >= vega.Warn) push("warning", args);
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return logger;
}
