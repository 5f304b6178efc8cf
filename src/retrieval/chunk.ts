import type { Document } from '../dataset/schema.js';

/** A piece of one document version: what the index stores and the retriever returns. */
export interface Chunk {
  /** `${docId}#${index}` */
  id: string;
  docId: string;
  title: string;
  /**
   * The chunk's lines (line breaks of the source kept; spaces within a line collapsed). A chunk
   * that starts inside a section begins with that section's heading line.
   */
  text: string;
  /** Absent: valid from the beginning (as on the document). */
  validFrom?: string;
  validTo?: string;
  /** Position of the chunk within its document, from 0. */
  index: number;
  /** Groups that may read the chunk's document (the document's `access`); absent: public. */
  access?: string[];
}

export interface ChunkingOptions {
  /** Words per chunk at most (not counting a repeated section heading). */
  chunkSize: number;
  /** Words shared by consecutive chunks of a document. */
  chunkOverlap: number;
}

/**
 * A chunk may end early, at a sentence end, if it still holds at least this share of a full
 * window. Cutting a fact in half costs more recall than a slightly shorter chunk.
 */
const MIN_FILL_AT_SENTENCE_END = 0.8;
/**
 * A chunk may end early at the end of a line (a list item, a table row, a paragraph) from this
 * share of a window: a cut inside a list item or row separates a name from its dates.
 */
const MIN_FILL_AT_LINE_END = 0.5;
/** A line of at most this many words, followed by more text, is a heading ("Personal life."). */
const HEADING_MAX_WORDS = 6;

interface Word {
  text: string;
  /** Index of the line the word is on. */
  line: number;
}

interface Line {
  heading: boolean;
  /** Index of the first word of the line. */
  first: number;
}

/**
 * Splits every document into overlapping windows of words that respect its structure: windows
 * end at a line end (list item, table row, paragraph) or a sentence end when one is near the
 * window's end, start at a line start when one is within the overlap, never end on a heading,
 * and repeat the section heading when they start inside a section. Every word lands in at least
 * one chunk; the output depends only on the input (no randomness, no locale).
 */
export function chunkDocuments(docs: Document[], opts: ChunkingOptions): Chunk[] {
  assertChunkingOptions(opts);
  const seen = new Set<string>();
  const chunks: Chunk[] = [];
  for (const doc of docs) {
    // Chunk ids become the index's label map: a duplicate would make two chunks indistinguishable.
    if (seen.has(doc.id)) throw new Error(`chunkDocuments: duplicate document id "${doc.id}"`);
    seen.add(doc.id);
    const { words, lines } = layout(doc.text);
    wordWindows(words, lines, opts).forEach(([start, end], index) => {
      const heading = sectionHeading(words, lines, start);
      const chunk: Chunk = { id: `${doc.id}#${index}`, docId: doc.id, title: doc.title, text: (heading ? `${heading}\n` : '') + render(words.slice(start, end)), index };
      // Leave the keys out rather than storing undefined, so chunks survive a JSON round trip unchanged.
      if (doc.validFrom !== undefined) chunk.validFrom = doc.validFrom;
      if (doc.validTo !== undefined) chunk.validTo = doc.validTo;
      // Documents carry `access` once access control is in the dataset schema; read structurally until then.
      const access = (doc as { access?: readonly string[] }).access;
      if (access !== undefined && access.length > 0) chunk.access = [...access];
      chunks.push(chunk);
    });
  }
  return chunks;
}

/** The text that gets embedded: the title gives short chunks their topic. */
export function chunkEmbeddingText(chunk: Pick<Chunk, 'title' | 'text'>): string {
  return `${chunk.title}\n${chunk.text}`;
}

/** A bullet inside a line: " - Name" after a line that itself starts with a bullet (a flattened list). */
const INLINE_BULLET = /\s+(?=[-*•]\s+\S)/;
const BULLET = /^[-*•]\s/;

/**
 * A line that starts with a bullet and holds more " - " bullets, or introduces them after a colon
 * ("The mayors (incomplete list): - 2019–: A - 2015–2019: B"), is a list flattened onto one line
 * (common in scraped text): one line per item, the words unchanged.
 */
function splitFlattenedList(line: string): string[] {
  const l = line.trim();
  if (BULLET.test(l)) return l.split(INLINE_BULLET);
  const intro = l.search(/:\s+[-*•]\s+\S/);
  if (intro < 0) return [line];
  return [l.slice(0, intro + 1), ...l.slice(intro + 1).trim().split(INLINE_BULLET)];
}

/**
 * Words of a text with the line each is on (flattened lists split into their items).
 */
function layout(text: string): { words: Word[]; lines: Line[] } {
  const raw = text.split(/\r?\n/).flatMap(splitFlattenedList);
  const rows = raw.map((l) => l.split(/\s+/).filter((w) => w.length > 0)).filter((ws) => ws.length > 0);
  const words: Word[] = [];
  const lines: Line[] = [];
  rows.forEach((ws, i) => {
    const next = rows[i + 1];
    const heading = next !== undefined && ws.length <= HEADING_MAX_WORDS && isHeadingLine(ws);
    lines.push({ heading, first: words.length });
    for (const w of ws) words.push({ text: w, line: i });
  });
  return { words, lines };
}

/** Markdown headings, and short lines that are not list items, table rows, key-value lines or clauses ("Club career."). */
function isHeadingLine(ws: string[]): boolean {
  if (/^#{1,6}$/.test(ws[0]!)) return true;
  if (BULLET.test(`${ws[0]} `) || ws.some((w) => w.includes('|'))) return false;
  // "Lead: Teodor Vasile" is a key-value line, not a heading.
  if (ws.some((w) => /[,;:]/.test(w))) return false;
  return /^["'“(\[]?[\p{Lu}\p{N}]/u.test(ws[0]!);
}

function render(words: Word[]): string {
  let out = '';
  words.forEach((w, i) => {
    if (i > 0) out += w.line === words[i - 1]!.line ? ' ' : '\n';
    out += w.text;
  });
  return out;
}

/** The heading of the section `start` lies in, unless the window starts with that heading line itself. */
function sectionHeading(words: Word[], lines: Line[], start: number): string | undefined {
  const at = words[start]?.line;
  if (at === undefined) return undefined;
  for (let l = at - (lines[at]!.first === start ? 1 : 0); l >= 0; l--) {
    if (l === at && lines[l]!.heading) return undefined;
    if (lines[l]!.heading) {
      const end = l + 1 < lines.length ? lines[l + 1]!.first : words.length;
      return words.slice(lines[l]!.first, end).map((w) => w.text).join(' ');
    }
  }
  return undefined;
}

function assertChunkingOptions({ chunkSize, chunkOverlap }: ChunkingOptions): void {
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new Error(`chunkSize must be a positive integer (got ${chunkSize})`);
  if (!Number.isInteger(chunkOverlap) || chunkOverlap < 0) throw new Error(`chunkOverlap must be a non-negative integer (got ${chunkOverlap})`);
  if (chunkOverlap >= chunkSize) {
    throw new Error(`chunkOverlap (${chunkOverlap}) must be smaller than chunkSize (${chunkSize}), or chunking would never advance`);
  }
}

/** Half-open word ranges [start, end) covering all of `words`, consecutive ranges sharing up to `chunkOverlap` words. */
function wordWindows(words: Word[], lines: Line[], { chunkSize, chunkOverlap }: ChunkingOptions): Array<[number, number]> {
  const windows: Array<[number, number]> = [];
  if (words.length === 0) return windows;
  const lineStart = (i: number) => i === 0 || words[i]!.line !== words[i - 1]!.line;
  let start = 0;
  for (;;) {
    const end = windowEnd(words, lines, start, chunkSize, chunkOverlap);
    windows.push([start, end]);
    if (end >= words.length) return windows;
    // The next window starts at the first line start inside the overlap (or right at `end` when
    // the window ended at a line end), so a list item or row is not cut at its head; else
    // `chunkOverlap` words back. Either is > start (windowEnd guarantees end - start > overlap).
    let next = end - chunkOverlap;
    for (let i = next; i <= end; i++) {
      if (lineStart(i)) {
        next = i;
        break;
      }
    }
    start = next;
  }
}

/**
 * End of the window starting at `start`: a full window, pulled back to the last line end in its
 * second half, else the last sentence end in its final ~20%, when there is one (never right after
 * a heading: it belongs with its text). An early end is only taken if the next window still
 * starts after this one (end - start > overlap), so chunking always makes progress.
 */
function windowEnd(words: Word[], lines: Line[], start: number, size: number, overlap: number): number {
  const fullEnd = Math.min(start + size, words.length);
  if (fullEnd === words.length) return fullEnd;
  const lineEnd = (end: number) => words[end]!.line !== words[end - 1]!.line && !lines[words[end - 1]!.line]!.heading;
  const floor = start + overlap + 1;
  const minLine = Math.max(start + Math.ceil(size * MIN_FILL_AT_LINE_END), floor);
  for (let end = fullEnd; end >= minLine; end--) if (lineEnd(end)) return end;
  const minSentence = Math.max(start + Math.ceil(size * MIN_FILL_AT_SENTENCE_END), floor);
  for (let end = fullEnd; end >= minSentence; end--) {
    if (endsSentence(words[end - 1]!.text, words[end]?.text)) return end;
  }
  return fullEnd;
}

const SENTENCE_END = /[.!?]["'”’)\]]*$/;
/** A new sentence starts with a capital letter or a digit, possibly after an opening quote or bracket. */
const SENTENCE_START = /^["'“‘(\[]?[\p{Lu}\p{N}]/u;

/** `word` closes a sentence. Checking the next word keeps "e.g. the" or "approx. five" together. */
function endsSentence(word: string, next: string | undefined): boolean {
  return SENTENCE_END.test(word) && (next === undefined || SENTENCE_START.test(next));
}
