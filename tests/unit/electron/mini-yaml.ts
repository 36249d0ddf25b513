/**
 * A deliberately small YAML reader for the block style electron-builder.yml is written in:
 * nested mappings, sequences of scalars or mappings, plain and quoted scalars, comments.
 * Anything outside that subset (flow collections, anchors, multi-line scalars, tabs) is an
 * error rather than a guess. Test-only.
 */

interface Line {
  indent: number;
  text: string;
  no: number;
}

export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

function stripComment(raw: string): string {
  let quote: string | null = null;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      // quotes only open a scalar at its start
      const before = raw.slice(0, i).trimEnd();
      if (before === '' || before.endsWith(':') || before.endsWith('-')) quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(raw[i - 1]!))) {
      return raw.slice(0, i);
    }
  }
  return raw;
}

function scalar(text: string, no: number): YamlValue {
  const t = text.trim();
  if (t.startsWith('"')) {
    if (!t.endsWith('"') || t.length < 2) throw new Error(`line ${no}: unterminated string`);
    return JSON.parse(t) as string;
  }
  if (t.startsWith("'")) {
    if (!t.endsWith("'") || t.length < 2) throw new Error(`line ${no}: unterminated string`);
    return t.slice(1, -1).replace(/''/g, "'");
  }
  if (/^[[{&*!|>%@`]/.test(t)) throw new Error(`line ${no}: unsupported YAML: ${t}`);
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t === 'null' || t === '~' || t === '') return null;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  return t;
}

const KEY = /^([A-Za-z0-9_$.\-/]+):(?:\s+(.*))?$/;

function isItem(line: Line): boolean {
  return line.text === '-' || line.text.startsWith('- ');
}

function parseNode(lines: Line[], i: number, indent: number): [YamlValue, number] {
  const line = lines[i]!;
  if (line.indent !== indent) throw new Error(`line ${line.no}: unexpected indentation`);
  return isItem(line) ? parseSeq(lines, i, indent) : parseMap(lines, i, indent);
}

function parseSeq(lines: Line[], i: number, indent: number): [YamlValue[], number] {
  const out: YamlValue[] = [];
  while (i < lines.length && lines[i]!.indent === indent && isItem(lines[i]!)) {
    const line = lines[i]!;
    const rest = line.text === '-' ? '' : line.text.slice(2).trim();
    if (rest === '') {
      const next = lines[i + 1];
      if (!next || next.indent <= indent) throw new Error(`line ${line.no}: empty sequence item`);
      const [v, j] = parseNode(lines, i + 1, next.indent);
      out.push(v);
      i = j;
    } else if (KEY.test(rest)) {
      // "- key: value" starts a mapping whose keys line up two columns further in.
      const inner = indent + 2;
      lines[i] = { indent: inner, text: rest, no: line.no };
      const [v, j] = parseMap(lines, i, inner);
      out.push(v);
      i = j;
    } else {
      out.push(scalar(rest, line.no));
      i++;
    }
  }
  return [out, i];
}

function parseMap(lines: Line[], i: number, indent: number): [{ [key: string]: YamlValue }, number] {
  const out: { [key: string]: YamlValue } = {};
  while (i < lines.length && lines[i]!.indent === indent && !isItem(lines[i]!)) {
    const line = lines[i]!;
    const m = KEY.exec(line.text);
    if (!m) throw new Error(`line ${line.no}: expected "key: value", got ${line.text}`);
    const key = m[1]!;
    if (Object.prototype.hasOwnProperty.call(out, key)) throw new Error(`line ${line.no}: duplicate key ${key}`);
    const value = m[2];
    i++;
    if (value !== undefined && value.trim() !== '') {
      out[key] = scalar(value, line.no);
      continue;
    }
    const next = lines[i];
    if (next && (next.indent > indent || (next.indent === indent && isItem(next)))) {
      const [v, j] = parseNode(lines, i, next.indent);
      out[key] = v;
      i = j;
    } else {
      out[key] = null;
    }
  }
  if (i < lines.length && lines[i]!.indent > indent) throw new Error(`line ${lines[i]!.no}: unexpected indentation`);
  return [out, i];
}

/** Parse the supported subset; throws with a line number on anything else. */
export function parseYaml(source: string): YamlValue {
  const lines: Line[] = [];
  source.split(/\r?\n/).forEach((raw, index) => {
    if (/^\s*\t/.test(raw)) throw new Error(`line ${index + 1}: tab indentation`);
    const text = stripComment(raw).trimEnd();
    if (text.trim() === '' || text.trim() === '---') return;
    const indent = text.length - text.trimStart().length;
    lines.push({ indent, text: text.trim(), no: index + 1 });
  });
  if (lines.length === 0) return null;
  const [value, end] = parseNode(lines, 0, lines[0]!.indent);
  if (end !== lines.length) throw new Error(`line ${lines[end]!.no}: could not parse`);
  return value;
}
