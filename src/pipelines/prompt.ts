import type { Chunk } from '../retrieval/chunk.js';

/**
 * Context block: one numbered passage per chunk with its title and validity, so a reader can
 * tell current versions from superseded ones; with `ids`, its document id in brackets before the
 * title (`[1] [doc-id] Title`), for the model to cite.
 */
export function formatContext(chunks: readonly Chunk[], opts: { ids?: boolean } = {}): string {
  return chunks.map((c, i) => `[${i + 1}] ${opts.ids ? `[${c.docId}] ` : ''}${c.title}${validityNote(c)}\n${c.text}`).join('\n\n');
}

/**
 * The header's validity suffix, with only the bounds that are known: ` (valid FROM to TO)`,
 * ` (valid FROM to present)`, ` (valid until TO)`; none at all when neither bound is set
 * (datasets without a timeline).
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
