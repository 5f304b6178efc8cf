import type { Chunk } from '../retrieval/chunk.js';

/**
 * Context block: one numbered passage per chunk with its title and validity, so a reader can
 * tell current versions from superseded ones.
 */
export function formatContext(chunks: readonly Chunk[]): string {
  return chunks.map((c, i) => `[${i + 1}] ${c.title} (valid ${c.validFrom} to ${c.validTo ?? 'present'})\n${c.text}`).join('\n\n');
}

/** Fills `{{name}}` placeholders; unknown placeholders are left as they are. */
export function renderTemplate(template: string, vars: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (m, name: string) => vars[name] ?? m);
}
