import { describe, expect, it } from 'vitest';
import type { Document } from '../dataset/schema.js';
import { type Chunk, chunkDocuments, chunkEmbeddingText } from './chunk.js';

const doc = (id: string, text: string, extra: Partial<Document> = {}): Document => ({ id, title: `Title ${id}`, text, validFrom: '2020-01-01', ...extra });
/** "w0 w1 w2 ..." — no punctuation, so no sentence boundaries. */
const plainWords = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(' ');
const words = (c: Chunk) => c.text.split(' ');

/** Drops each chunk's overlap with its predecessor and joins: must give back the document's words. */
function reassemble(chunks: Chunk[], overlap: number): string[] {
  return chunks.flatMap((c, i) => (i === 0 ? words(c) : words(c).slice(overlap)));
}

describe('chunkDocuments', () => {
  it('cuts fixed-size windows that overlap by chunkOverlap words', () => {
    const chunks = chunkDocuments([doc('a', plainWords(25))], { chunkSize: 10, chunkOverlap: 2 });
    expect(chunks.map((c) => [words(c)[0], words(c).length])).toEqual([
      ['w0', 10],
      ['w8', 10],
      ['w16', 9],
    ]);
    expect(chunks.map((c) => c.id)).toEqual(['a#0', 'a#1', 'a#2']);
    expect(chunks.map((c) => c.index)).toEqual([0, 1, 2]);
  });

  it('makes one chunk of a document shorter than a window, and none of an empty one', () => {
    expect(chunkDocuments([doc('a', 'Just a few words.')], { chunkSize: 10, chunkOverlap: 3 }).map((c) => c.text)).toEqual(['Just a few words.']);
    expect(chunkDocuments([doc('a', '   ')], { chunkSize: 10, chunkOverlap: 3 })).toEqual([]);
  });

  it('copies title and validity, and leaves validTo out when the version is current', () => {
    const [old] = chunkDocuments([doc('v1', 'Old fact.', { validTo: '2022-01-01' })], { chunkSize: 5, chunkOverlap: 1 });
    const [cur] = chunkDocuments([doc('v2', 'New fact.', { validFrom: '2022-01-01', supersedes: 'v1' })], { chunkSize: 5, chunkOverlap: 1 });
    expect(old).toEqual({ id: 'v1#0', docId: 'v1', title: 'Title v1', text: 'Old fact.', validFrom: '2020-01-01', validTo: '2022-01-01', index: 0 });
    expect('validTo' in cur).toBe(false);
  });

  it("copies the document's access groups to every chunk (absent or empty: public, no key)", () => {
    // The dataset field arrives with access control; chunking reads it structurally until then.
    const restricted = { ...doc('r', 'one two three four five six seven'), access: ['hr', 'board'] } as Document;
    const open = { ...doc('o', 'Open fact.'), access: [] } as Document;
    const chunks = chunkDocuments([restricted, open, doc('p', 'Public fact.')], { chunkSize: 4, chunkOverlap: 1 });
    expect(chunks.filter((c) => c.docId === 'r').map((c) => c.access)).toEqual([['hr', 'board'], ['hr', 'board']]);
    expect(chunks.filter((c) => c.docId !== 'r').every((c) => !('access' in c))).toBe(true);
  });

  it('ends a chunk at a sentence end in the last ~20% of the window', () => {
    // Sentence ends after word 9 of a 10-word window: the chunk stops there instead of cutting "Second".
    const text = 'one two three four five six seven eight nine. Second sentence has more words in it today.';
    const chunks = chunkDocuments([doc('a', text)], { chunkSize: 10, chunkOverlap: 2 });
    expect(chunks[0].text).toBe('one two three four five six seven eight nine.');
    expect(words(chunks[1]).slice(0, 3)).toEqual(['eight', 'nine.', 'Second']);
  });

  it('does not end a chunk at a sentence end early in the window', () => {
    const text = 'One two three. four five six seven eight nine ten eleven twelve.';
    const [first] = chunkDocuments([doc('a', text)], { chunkSize: 10, chunkOverlap: 2 });
    expect(words(first)).toHaveLength(10);
  });

  it('does not treat an abbreviation followed by a lowercase word as a sentence end', () => {
    const text = 'a b c d e f g h e.g. this and more words follow here.';
    const [first] = chunkDocuments([doc('a', text)], { chunkSize: 10, chunkOverlap: 2 });
    expect(words(first)).toHaveLength(10);
  });

  it('covers every word of every document, in order, for many sizes and overlaps', () => {
    const sentences = 'The river rose. Floods closed the bridge! Was it rebuilt? Yes, in 2031. "Quoted end." (Aside.) ';
    const text = sentences.repeat(9) + plainWords(7);
    const source = text.split(/\s+/).filter(Boolean);
    for (const chunkSize of [1, 2, 5, 7, 10, 33, 200]) {
      for (const chunkOverlap of [0, 1, Math.floor(chunkSize / 2), chunkSize - 1]) {
        if (chunkOverlap >= chunkSize) continue;
        const chunks = chunkDocuments([doc('a', text)], { chunkSize, chunkOverlap });
        expect(reassemble(chunks, chunkOverlap), `size ${chunkSize} overlap ${chunkOverlap}`).toEqual(source);
        for (const c of chunks) expect(words(c).length).toBeLessThanOrEqual(chunkSize);
        // Chunks never shrink below the window's 80% except the last one.
        for (const c of chunks.slice(0, -1)) expect(words(c).length).toBeGreaterThanOrEqual(Math.min(chunkSize, Math.ceil(chunkSize * 0.8)));
      }
    }
  });

  it('keeps line breaks, so a heading does not run into its text', () => {
    const [c] = chunkDocuments([doc('a', 'Payments & Billing\nLead: Teodor Vasile runs the team.')], { chunkSize: 50, chunkOverlap: 5 });
    expect(c.text).toBe('Payments & Billing\nLead: Teodor Vasile runs the team.');
  });

  it('ends a chunk at the end of a list item rather than inside the next one', () => {
    const items = Array.from({ length: 6 }, (_, i) => `- Person${i} Name (19${10 + i}–19${20 + i})`);
    const chunks = chunkDocuments([doc('a', items.join('\n'))], { chunkSize: 10, chunkOverlap: 2 });
    for (const c of chunks) for (const line of c.text.split('\n')) expect(line).toMatch(/^- Person\d Name \(\d{4}–\d{4}\)$/);
  });

  it('splits a list flattened onto one line into its items', () => {
    const [c] = chunkDocuments([doc('a', 'Managers\n- Ana Ruiz (2001–2004) - Bo Lind (2004–2010) - Cy Moor (2010–)')], { chunkSize: 50, chunkOverlap: 5 });
    expect(c.text).toBe('Managers\n- Ana Ruiz (2001–2004)\n- Bo Lind (2004–2010)\n- Cy Moor (2010–)');
    const [d] = chunkDocuments([doc('a', 'The mayors (incomplete list): - 2019–present: Alf Hansen (SV) - 2015-2019: Trond Olaussen (Ap)')], { chunkSize: 50, chunkOverlap: 5 });
    expect(d.text).toBe('The mayors (incomplete list):\n- 2019–present: Alf Hansen (SV)\n- 2015-2019: Trond Olaussen (Ap)');
    // A dash in prose is not a list.
    const prose = 'It has 90,000 members - educators and engineers - who run it.';
    expect(chunkDocuments([doc('a', prose)], { chunkSize: 50, chunkOverlap: 5 })[0].text).toBe(prose);
  });

  it('repeats the section heading in a chunk that starts inside the section, and never ends on a heading', () => {
    const text = `Intro line one here.\nMayors\n${Array.from({ length: 8 }, (_, i) => `- ${2000 + i}: Mayor${i} Surname`).join('\n')}`;
    const chunks = chunkDocuments([doc('a', text)], { chunkSize: 10, chunkOverlap: 0 });
    expect(chunks[0].text.split('\n').at(-1)).not.toBe('Mayors');
    for (const c of chunks.slice(1)) expect(c.text.startsWith('Mayors\n- ')).toBe(true);
  });

  it('rejects an overlap that is not smaller than the size, and other bad options', () => {
    const d = [doc('a', plainWords(5))];
    expect(() => chunkDocuments(d, { chunkSize: 10, chunkOverlap: 10 })).toThrow(/chunkOverlap \(10\) must be smaller than chunkSize \(10\)/);
    expect(() => chunkDocuments(d, { chunkSize: 10, chunkOverlap: 11 })).toThrow(/must be smaller/);
    expect(() => chunkDocuments(d, { chunkSize: 0, chunkOverlap: 0 })).toThrow(/chunkSize must be a positive integer/);
    expect(() => chunkDocuments(d, { chunkSize: 10, chunkOverlap: -1 })).toThrow(/chunkOverlap must be a non-negative integer/);
    expect(() => chunkDocuments(d, { chunkSize: 2.5, chunkOverlap: 0 })).toThrow(/chunkSize/);
  });

  it('rejects duplicate document ids, which would give duplicate chunk ids', () => {
    expect(() => chunkDocuments([doc('a', 'x'), doc('a', 'y')], { chunkSize: 5, chunkOverlap: 0 })).toThrow(/duplicate document id "a"/);
  });

  it('is deterministic', () => {
    const docs = [doc('a', 'Alpha beta. Gamma delta epsilon! '.repeat(30)), doc('b', plainWords(57))];
    const opts = { chunkSize: 12, chunkOverlap: 4 };
    expect(JSON.stringify(chunkDocuments(docs, opts))).toBe(JSON.stringify(chunkDocuments(structuredClone(docs), opts)));
  });
});

describe('chunkEmbeddingText', () => {
  it('is the title, a newline, and the chunk text', () => {
    expect(chunkEmbeddingText({ title: 'Acme', text: 'Acme makes anvils.' })).toBe('Acme\nAcme makes anvils.');
  });
});
