// The report's table shape and its two renderings: a Markdown pipe table and an HTML <table>. A
// table entry is text or a list of cell ids (rendered as code, and in HTML as links into the cell
// index). What goes into a table is tables.ts's business; this file only escapes and lays out.

export type Entry = string | { ids: string[] };

export interface Table {
  id: string; // anchor, unique in the report
  title: string;
  columns: string[];
  numeric?: boolean[]; // right-align these columns
  rows: Entry[][];
  notes: string[]; // printed under the table
  rowAnchors?: string[]; // HTML: an id on each row (the cell index, so ids elsewhere can link to it)
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Text for a Markdown table cell: pipes escaped, newlines flattened. */
export function escapeMd(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/** The anchor of a cell in the HTML cell index. */
export function cellAnchor(id: string): string {
  return `cell-${id.replace(/[^A-Za-z0-9_.-]/g, "_")}`;
}

export function tableToMarkdown(t: Table): string {
  const head = `| ${t.columns.map(escapeMd).join(" | ")} |`;
  const rule = `|${t.columns.map((_, j) => (t.numeric?.[j] ? " ---: " : " --- ")).join("|")}|`;
  const body = t.rows.map((r) => `| ${r.map(mdEntry).join(" | ")} |`);
  const lines = [`**${escapeMd(t.title)}**`, "", head, rule, ...body];
  if (t.rows.length === 0) lines.push(`| ${t.columns.map((_, j) => (j === 0 ? "(no rows)" : "")).join(" | ")} |`);
  for (const n of t.notes) lines.push("", `> ${escapeMd(n)}`);
  return lines.join("\n");
}

function mdEntry(e: Entry): string {
  if (typeof e === "string") return escapeMd(e);
  return e.ids.length === 0 ? "—" : e.ids.map((id) => `\`${id.replace(/`/g, "'").replace(/\|/g, "\\|")}\``).join(", ");
}

export function tableToHtml(t: Table): string {
  const cls = (j: number) => (t.numeric?.[j] ? ' class="num"' : "");
  const head = t.columns.map((c, j) => `<th${cls(j)}>${escapeHtml(c)}</th>`).join("");
  const body = t.rows
    .map((r, i) => {
      const id = t.rowAnchors?.[i] ? ` id="${escapeHtml(t.rowAnchors[i]!)}"` : "";
      return `<tr${id}>${r.map((e, j) => `<td${typeof e === "string" ? cls(j) : ' class="ids"'}>${htmlEntry(e)}</td>`).join("")}</tr>`;
    })
    .join("\n");
  const empty = t.rows.length === 0 ? `<tr><td colspan="${t.columns.length}">(no rows)</td></tr>` : "";
  const notes = t.notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`).join("\n");
  return [
    `<figure class="table" id="${escapeHtml(t.id)}">`,
    `<figcaption>${escapeHtml(t.title)}</figcaption>`,
    `<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>`,
    body + empty,
    `</tbody></table></div>`,
    notes,
    `</figure>`,
  ].join("\n");
}

function htmlEntry(e: Entry): string {
  if (typeof e === "string") return escapeHtml(e);
  if (e.ids.length === 0) return "—";
  return e.ids.map((id) => `<a href="#${cellAnchor(id)}"><code>${escapeHtml(id)}</code></a>`).join(" ");
}
