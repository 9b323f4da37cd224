// A small XML well-formedness check for the tests (no XML parser is a dependency): tags balance,
// attributes are quoted, entities are known. Returns the element names seen, or throws with the
// offset of the first problem. Test support only; not a general XML parser.

const NAME = /^[A-Za-z_][\w:.-]*$/;
const ATTRS = /^(\s+[A-Za-z_][\w:.-]*\s*=\s*("[^"<]*"|'[^'<]*'))*\s*\/?$/;

export function checkXml(xml: string): Map<string, number> {
  const seen = new Map<string, number>();
  const stack: string[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`not well-formed XML at ${i}: ${why}: ${JSON.stringify(xml.slice(Math.max(0, i - 40), i + 60))}`);
  };
  while (i < xml.length) {
    const lt = xml.indexOf("<", i);
    const text = xml.slice(i, lt < 0 ? xml.length : lt);
    for (const m of text.matchAll(/&([^;\s]*);?/g)) {
      if (!/^(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+)$/.test(m[1]!) || !m[0].endsWith(";")) fail(`bad entity ${m[0]}`);
    }
    if (lt < 0) break;
    i = lt;
    if (xml.startsWith("<?", i)) {
      i = xml.indexOf("?>", i) + 2;
      continue;
    }
    if (xml.startsWith("<!--", i)) {
      i = xml.indexOf("-->", i) + 3;
      continue;
    }
    if (xml.startsWith("<!DOCTYPE", i)) {
      i = xml.indexOf(">", i) + 1;
      continue;
    }
    const gt = xml.indexOf(">", i);
    if (gt < 0) fail("unclosed tag");
    const inner = xml.slice(i + 1, gt);
    if (inner.startsWith("/")) {
      const name = inner.slice(1).trim();
      if (stack.pop() !== name) fail(`closing </${name}> does not match`);
    } else {
      const name = inner.split(/[\s/]/, 1)[0]!;
      if (!NAME.test(name)) fail(`bad element name ${name}`);
      if (!ATTRS.test(inner.slice(name.length))) fail(`bad attributes on <${name}>`);
      seen.set(name, (seen.get(name) ?? 0) + 1);
      if (!inner.endsWith("/")) stack.push(name);
    }
    i = gt + 1;
  }
  if (stack.length) fail(`unclosed elements ${stack.join(" > ")}`);
  return seen;
}
