import type { Chunk } from '../retrieval/chunk.js';

/**
 * Context block: one numbered passage per chunk with its title and validity, so a reader can
 * tell current versions from superseded ones.
 */
export function formatContext(chunks: readonly Chunk[]): string {
  return chunks.map((c, i) => `[${i + 1}] ${c.title}${validityNote(c)}\n${c.text}`).join('\n\n');
}

/**
 * ` (valid <from> to <to>)` with only the bounds that are known: ` (valid from <from> to present)`
 * without an end... no: open ends read `present` / `until`, and a chunk with neither bound (datasets
 * without a timeline) gets no note at all.
 */
export function validityNote(c: Pick<Chunk, 'validFrom' | 'validTo'>): string {
  if (c.validFrom && c.validTo) return ` (valid ${c.validFrom} to ${c.validTo})`;
  if (c.validFrom) return ` (valid ${c.validFrom} to present)`;
  if (c.validTo) return ` (valid until ${c.validTo})`;
  return '';
}

/** Fills `{{name}}` placeholders; unknown placeholders are left as they are. */
export function renderTemplate(template: string, vars: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (m, name: string) => vars[name] ?? m);
}
