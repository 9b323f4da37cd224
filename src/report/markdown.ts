// The report document as Markdown, the HTML page's twin: the same sections, tables as pipe tables,
// figures as links to the .svg files written beside it. Renders the model doc.ts builds; decides
// nothing about content and writes no files.

import type { Block, Figure, ReportDoc } from "./doc.js";
import { escapeMd, tableToMarkdown } from "./table.js";

/** `figurePath` maps a figure id to the link target, relative to the Markdown file. */
export function renderMarkdown(doc: ReportDoc, figurePath: (id: string) => string): string {
  const out: string[] = [`# ${doc.title}`, ""];
  for (const [k, v] of doc.meta) out.push(`- **${escapeMd(k)}:** ${escapeMd(v)}`);
  out.push("", "Contents: " + doc.sections.map((s) => `[${s.title}](#${s.id})`).join(" · "), "");
  for (const s of doc.sections) {
    out.push(`<a id="${s.id}"></a>`, "", `## ${s.title}`, "");
    for (const b of s.blocks) out.push(block(b, figurePath), "");
  }
  return `${out.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd()}\n`;
}

function block(b: Block, figurePath: (id: string) => string): string {
  switch (b.kind) {
    case "text":
      return b.text;
    case "quote":
      return `> ${b.text}`;
    case "list":
      return b.items.map((i) => `- ${i}`).join("\n");
    case "table":
      return tableToMarkdown(b.table);
    case "figure":
      return figure(b.figure, figurePath);
  }
}

function figure(f: Figure, figurePath: (id: string) => string): string {
  const lines = [`**${f.title}**`, ""];
  lines.push(f.svg === null ? "(figure not drawn)" : `![${f.title}](${figurePath(f.id)})`, "", `*${f.caption}*`);
  if (f.notes.length) lines.push("", ...f.notes.map((n) => `- ${n}`));
  if (f.cellIds.length) lines.push("", `Cells: ${f.cellIds.map((id) => `\`${id}\``).join(", ")}`);
  return lines.join("\n");
}
