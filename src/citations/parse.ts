/**
 * Splits a model's answer into the answer proper and the document ids it cites.
 *
 * Two places hold citations:
 * - a **sources part**: everything after the first label `Sources:`, `Source:`, `References:`,
 *   `Citations:`, `Cited documents:`, `Documents used:` (any case, bold or not, `:` or `：`) that
 *   starts a line or follows punctuation or a bracket ("open source: yes" is prose). In it every
 *   token that names a known id (shown in the context or in the corpus) is a citation, and so is
 *   every token that merely looks like an id (letters/digits with `-`, `_`, `.`, `:`, `/` or `#`,
 *   or a digit): an invented id is a fabricated citation, not noise. Brackets of any kind, quotes,
 *   footnote carets, list markers and trailing punctuation are dropped; markdown links count by
 *   their text or, failing that, by their URL's last path segment (so does a bare URL); `#2` is
 *   passage 2. `none`, `n/a` cite nothing; plain words ("the context") are not ids.
 * - **inline markers** in the answer: `[id]`, `[id, id]`, `[^id]`, `(id)`, `【id】`, whose every
 *   token is a known id (or a numbered reference, below). Other brackets ("[sic]", "(city)") are
 *   prose and stay.
 *
 * Numbered references: the context numbers its passages `[1]`, `[2]`, …, so `[2]` (or `2` after a
 * label) means the second passage's document. After a label, a number beyond the passages shown
 * is recorded as `#<n>` (a fabricated citation); inline, only `[n]` or `【n】` within the passages
 * shown is a citation (`(1950)` and `[1950]` are prose).
 *
 * Ids are matched case-insensitively and reported as the corpus spells them; unknown ids as
 * written. Duplicates are dropped, first mention first. Bare ids in prose without brackets or a
 * label are not read (an answer may well contain a hyphenated word).
 */

export interface CitationContext {
  /** Document ids of the passages shown in the prompt, in order (`[n]` is the n-th). */
  shown: readonly string[];
  /** Every document id of the corpus. */
  known: ReadonlySet<string>;
}

export interface ParsedAnswer {
  /** The answer without its citations (what is scored). */
  answer: string;
  /** Cited ids, deduplicated, in order of first mention. */
  citations: string[];
}

/** A label starts the text or a line, or follows punctuation or a bracket ("Orsk. Source: …", "Orsk (source: …)"). */
const LABEL = /(?<=^|[\n.;,!?()[\]{}|—–-][ \t]*)(?:\*\*|__)?\b(?:sources?|references?|citations?|cited\s+(?:documents?|sources?)|documents?\s+used)\b(?:\*\*|__)?\s*[:：]\s*(?:\*\*|__)?/i;
const MARKDOWN_LINK = /\[([^\]\n]*)\]\(([^)\s]*)\)/g;
/** Inline groups: [..] (footnote caret allowed), 【..】, (..). */
const INLINE_GROUP = /\[\^?([^[\]\n]*)\]|【([^】\n]*)】|\(([^()\n]*)\)/g;
const NOTHING = new Set(['none', 'n/a', 'na', 'nil', 'null', 'no', 'nothing', '-', '—']);
/** Id-shaped: starts and ends with a letter or digit, and has a digit or an id separator. */
const ID_LIKE = /^[\p{L}\p{N}](?:[\p{L}\p{N}._:/#-]*[\p{L}\p{N}])?$/u;
const ID_MARK = /[\p{N}._:/#-]/u;

export function parseCitations(text: string, ctx: CitationContext): ParsedAnswer {
  const lookup = new Map<string, string>();
  for (const id of ctx.known) lookup.set(id.toLowerCase(), id);
  for (const id of ctx.shown) lookup.set(id.toLowerCase(), id);
  const resolve: Resolve = (raw, mode) => resolveToken(raw, mode, lookup, ctx.shown);

  const label = LABEL.exec(text);
  const body = label ? text.slice(0, label.index) : text;
  const out: string[] = [];
  const inline = stripInline(body, resolve, out);
  if (label) out.push(...sourcesPart(text.slice(label.index + label[0].length), resolve));
  return { answer: tidy(inline), citations: [...new Set(out)] };
}

/**
 * Where a token stands: after a label (`label`: anything id-shaped counts), in an inline square
 * or lenticular bracket (`bracket`: known ids and passage numbers), or in parentheses (`paren`:
 * known ids only).
 */
type Mode = 'label' | 'bracket' | 'paren';
type Resolve = (raw: string, mode: Mode) => string | null;

/** The ids in a sources part. */
function sourcesPart(part: string, resolve: Resolve): string[] {
  const linked = part.replace(MARKDOWN_LINK, (_, label: string, url: string) => ` ${linkTarget(label, url, resolve) ?? ''} `);
  const unlisted = linked.replace(/^\s*(?:[-*•+]|\d+[.)])\s+/gm, ' ');
  // Brackets become separators, so `[a][b]`, `【a】【b】` and `(a)` split into their ids.
  const tokens = unlisted.split(/[\s,;|&[\]()【】{}<>]+/);
  return tokens.flatMap((t) => {
    const id = resolve(t, 'label');
    return id === null ? [] : [id];
  });
}

/** A markdown link's id: its text if that names one, else its URL's last path segment. */
function linkTarget(label: string, url: string, resolve: Resolve): string | null {
  const segment = url.replace(/[?#].*$/, '').replace(/\/+$/, '').split('/').at(-1) ?? '';
  return resolve(label, 'paren') ?? resolve(segment, 'paren') ?? resolve(label, 'label') ?? resolve(segment, 'label');
}

/** Removes inline citation markers from the answer, collecting their ids. */
function stripInline(body: string, resolve: Resolve, out: string[]): string {
  const linked = body.replace(MARKDOWN_LINK, (m, label: string, url: string) => {
    const asId = resolve(label, 'paren');
    const target = resolve(url.replace(/\/+$/, '').split('/').at(-1) ?? '', 'paren');
    if (asId === null && target === null) return m;
    out.push((asId ?? target)!);
    return asId === null ? label : '';
  });
  return linked.replace(INLINE_GROUP, (m, square?: string, lenticular?: string, round?: string) => {
    const inner = (square ?? lenticular ?? round ?? '').trim();
    if (inner === '') return square !== undefined || lenticular !== undefined ? '' : m;
    const mode = round === undefined ? 'bracket' : 'paren';
    const ids = inner.split(/\s*[,;]\s*|\s+and\s+|\s+/i).map((t) => resolve(t, mode));
    if (ids.some((id) => id === null)) return m;
    out.push(...(ids as string[]));
    return '';
  });
}

/** A token's id: a known id (any case), a numbered reference, an id-shaped token after a label; else null. */
function resolveToken(raw: string, mode: Mode, lookup: ReadonlyMap<string, string>, shown: readonly string[]): string | null {
  const t = raw
    .trim()
    .replace(/^[\s"'`“”‘’*^]+/, '')
    .replace(/[\s"'`“”‘’*.,;:!?]+$/, '');
  if (t === '' || NOTHING.has(t.toLowerCase())) return null;
  const known = lookup.get(t.toLowerCase());
  if (known !== undefined) return known;
  // A bare URL names the document of its last path segment, when that is one.
  const url = /^https?:\/\/\S*\/([^/?#]+)\/?(?:[?#]\S*)?$/i.exec(t);
  if (url && lookup.has(url[1]!.toLowerCase())) return lookup.get(url[1]!.toLowerCase())!;
  const number = /^#?(\d+)$/.exec(t);
  if (number && mode !== 'paren') {
    const n = Number(number[1]);
    if (n >= 1 && n <= shown.length) return shown[n - 1]!;
    return mode === 'label' ? `#${n}` : null;
  }
  return mode === 'label' && ID_LIKE.test(t) && ID_MARK.test(t) ? t : null;
}

/** Whitespace and punctuation left behind by removed markers. */
function tidy(s: string): string {
  return s
    .replace(/[ \t]+([.,;:!?])/g, '$1')
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/[\s([{【—–-]+$/u, '')
    .trim();
}
