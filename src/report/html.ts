// The report document as one self-contained HTML page: inline CSS, inline SVG figures, a table of
// contents, no scripts and no external requests (fonts are the reader's sans-serif). Renders the
// model doc.ts builds; decides nothing about content.

import type { Block, Figure, ReportDoc } from "./doc.js";
import { cellAnchor, escapeHtml, tableToHtml } from "./table.js";

const CSS = `
:root { --fg: #1d1d1f; --muted: #5f6368; --line: #dadce0; --bg-alt: #f6f8fa; --accent: #1a5fb4; }
* { box-sizing: border-box; }
body { font: 15px/1.5 Helvetica, Arial, sans-serif; color: var(--fg); margin: 0; background: #fff; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 64px; }
h1 { font-size: 26px; margin: 8px 0 12px; }
h2 { font-size: 20px; margin: 40px 0 10px; padding-top: 8px; border-top: 1px solid var(--line); }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0 0 16px; font-size: 14px; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; }
nav.toc { font-size: 14px; columns: 3; margin: 8px 0 16px; padding: 10px 14px; background: var(--bg-alt); border-radius: 6px; }
nav.toc a { display: block; }
blockquote { margin: 8px 0 12px; padding: 6px 12px; border-left: 3px solid var(--line); color: var(--muted); font-size: 14px; }
figure { margin: 14px 0 22px; }
figcaption { font-weight: bold; font-size: 14px; margin: 0 0 6px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg-alt); position: sticky; top: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.ids { font-size: 11px; min-width: 220px; max-width: 420px; }
td.ids code { word-break: break-all; }
code { font-family: Menlo, Consolas, monospace; font-size: 0.92em; }
p.note, p.caption { color: var(--muted); font-size: 13px; margin: 4px 0; }
.svg { overflow-x: auto; }
.svg svg { max-width: 100%; height: auto; }
ul.notes { color: var(--muted); font-size: 13px; margin: 4px 0; }
#cell-index td { white-space: nowrap; }
`;

export function renderHtml(doc: ReportDoc): string {
  const meta = doc.meta.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join("\n");
  const toc = doc.sections.map((s) => `<a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a>`).join("\n");
  const body = doc.sections
    .map((s) => `<section id="${escapeHtml(s.id)}">\n<h2>${escapeHtml(s.title)}</h2>\n${s.blocks.map(block).join("\n")}\n</section>`)
    .join("\n");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>${escapeHtml(doc.title)}</h1>
<dl class="meta">
${meta}
</dl>
<nav class="toc">
${toc}
</nav>
${body}
</main>
</body>
</html>
`;
}

function block(b: Block): string {
  switch (b.kind) {
    case "text":
      return `<p>${escapeHtml(b.text)}</p>`;
    case "quote":
      return `<blockquote>${escapeHtml(b.text)}</blockquote>`;
    case "list":
      return `<ul>\n${b.items.map((i) => `<li>${escapeHtml(i)}</li>`).join("\n")}\n</ul>`;
    case "table":
      return tableToHtml(b.table);
    case "figure":
      return figure(b.figure);
  }
}

function figure(f: Figure): string {
  const notes = f.notes.length ? `<ul class="notes">${f.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("")}</ul>` : "";
  const ids = f.cellIds.length ? `<p class="note">Cells: ${f.cellIds.map((id) => `<a href="#${cellAnchor(id)}"><code>${escapeHtml(id)}</code></a>`).join(", ")}</p>` : "";
  const svg = f.svg === null ? `<p class="note">(figure not drawn)</p>` : `<div class="svg">${stripXmlHeader(f.svg)}</div>`;
  return [
    `<figure class="plot" id="${escapeHtml(f.id)}">`,
    `<figcaption>${escapeHtml(f.title)}</figcaption>`,
    svg,
    `<p class="caption">${escapeHtml(f.caption)}</p>`,
    notes,
    ids,
    `</figure>`,
  ].join("\n");
}

/** An SVG string fit for inlining: no XML declaration or doctype. */
function stripXmlHeader(svg: string): string {
  return svg.replace(/^<\?xml[^>]*>\s*/, "").replace(/^<!DOCTYPE[^>]*>\s*/, "");
}
