/**
 * A source file's bytes as document text: YAML front matter read for `title` and `access`, HTML
 * reduced to its text. No HTML or YAML library is installed, so both are minimal on purpose: the
 * tag stripper drops scripts, styles and tags and decodes common entities; the front-matter reader
 * knows `key: value`, `key: [a, b]` and `key:` followed by `- item` lines, which is what a
 * document's access list and title need.
 */
import { extname, basename } from 'node:path';

/** Extensions read as documents; anything else in a folder or repository is skipped. */
export const DOCUMENT_EXTENSIONS: Readonly<Record<string, 'markdown' | 'text' | 'html'>> = {
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.txt': 'text',
  '.html': 'html',
  '.htm': 'html',
};

export const isDocumentPath = (path: string) => Object.hasOwn(DOCUMENT_EXTENSIONS, extname(path).toLowerCase());

export interface ParsedFile {
  title: string;
  text: string;
  /** From front matter `access`; undefined when absent (public). */
  access?: string[];
}

type FrontMatter = Record<string, string | string[]>;

/** Splits `---\n…\n---` off the top of a file. */
export function splitFrontMatter(raw: string): { data: FrontMatter; body: string } {
  const m = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(raw);
  if (!m) return { data: {}, body: raw };
  const data: FrontMatter = {};
  let listKey: string | null = null;
  for (const line of m[1]!.split(/\r?\n/)) {
    const item = /^\s+-\s+(.*)$/.exec(line) ?? /^-\s+(.*)$/.exec(line);
    if (item && listKey) {
      (data[listKey] as string[]).push(unquote(item[1]!));
      continue;
    }
    const kv = /^([A-Za-z_][\w-]*)\s*:\s*(.*)$/.exec(line);
    if (!kv) continue;
    const [, key, value] = kv as unknown as [string, string, string];
    listKey = null;
    if (value === '') {
      data[key] = [];
      listKey = key;
    } else if (/^\[.*\]$/.test(value.trim())) {
      data[key] = value.trim().slice(1, -1).split(',').map(unquote).filter(Boolean);
    } else data[key] = unquote(value);
  }
  return { data, body: raw.slice(m[0].length) };
}

const unquote = (s: string) => s.trim().replace(/^(['"])(.*)\1$/, '$2').trim();

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Text of an HTML page: block elements become line breaks, tags go, entities are decoded. */
export function htmlToText(html: string): { title?: string; text: string } {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
  const text = html
    .replace(/<(script|style|head|template|noscript)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<\/?(p|div|br|li|ul|ol|h[1-6]|tr|table|section|article|header|footer|blockquote|pre)\b[^>]*>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, e: string) => {
      if (e[0] === '#') return String.fromCodePoint(e[1]?.toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
      return ENTITIES[e.toLowerCase()] ?? all;
    });
  return { title: title === undefined ? undefined : decodeSpace(htmlToText(title).text), text: tidy(text) };
}

const decodeSpace = (s: string) => s.replace(/\s+/g, ' ').trim();
/** Trailing spaces off, runs of blank lines to one. */
const tidy = (s: string) => s.split('\n').map((l) => l.replace(/[ \t]+/g, ' ').trim()).join('\n').replace(/\n{3,}/g, '\n\n').trim();

/** Reads one file: front matter, then HTML or Markdown/text; the title from front matter, a heading or the file name. */
export function parseDocumentFile(path: string, raw: string): ParsedFile {
  const { data, body } = splitFrontMatter(raw);
  const kind = DOCUMENT_EXTENSIONS[extname(path).toLowerCase()] ?? 'text';
  let text: string;
  let found: string | undefined;
  if (kind === 'html') ({ text, title: found } = htmlToText(body));
  else {
    text = tidy(body);
    found = kind === 'markdown' ? /^#\s+(.+)$/m.exec(text)?.[1]?.trim() : undefined;
  }
  const fmTitle = typeof data.title === 'string' ? data.title : undefined;
  const access = data.access === undefined ? undefined : (Array.isArray(data.access) ? data.access : [data.access]).filter(Boolean);
  return { title: fmTitle ?? found ?? basename(path, extname(path)), text, ...(access !== undefined ? { access } : {}) };
}
