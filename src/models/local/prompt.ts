/**
 * What the local models read from a prompt. They see only the prompt, like a hosted model.
 *
 * Format produced by the pipelines (system message = instructions, ignored here; the user
 * message carries everything else):
 *
 *   Context:
 *   [1] Veltrana (city) (valid 2024-01-05 to present)
 *   The capital of ... text ...
 *
 *   [2] Other title (valid 2019-03-01 to 2031-02-01)
 *   text...
 *
 *   Question (asked on 2031-05-01): Which city is the capital of Veltrana today?
 *   Answer:
 *
 * With citations asked, each header starts with its document id in brackets: `[1] [city-veltrana]
 * Veltrana (city) (valid …)`; it is read into `docId` and is not part of the title.
 *
 * Closed-book prompts have only the `Question (asked on DATE): ...` and `Answer:` lines.
 * Parsing is tolerant: the question is the last `Question...: text` line (else the whole user
 * text); passages are the `[n] header` blocks after a `Context:` line (none if there is no such
 * line); the header's `(valid FROM to TO|present)` or `(valid until TO)` suffix, when present,
 * gives the validity.
 */
import type { LanguageModelV4Prompt } from '@ai-sdk/provider';

export interface Passage {
  title: string;
  /** The document id the header shows, when it shows one. */
  docId?: string;
  text: string;
  validFrom?: string;
  /** Exclusive end; undefined = still valid ("present"). */
  validTo?: string;
}

export interface ParsedPrompt {
  question: string;
  /** The date the question is asked on, when the prompt states it. */
  asOf?: string;
  passages: Passage[];
}

/** All text the model is given (every message, every text part), for usage counting. */
export function promptText(prompt: LanguageModelV4Prompt): string {
  const parts: string[] = [];
  for (const m of prompt) {
    if (m.role === 'system') parts.push(m.content);
    else for (const p of m.content) if (p.type === 'text' || p.type === 'reasoning') parts.push(p.text);
  }
  return parts.join('\n');
}

/** The text of the last user message (the pipelines send one). */
export function lastUserText(prompt: LanguageModelV4Prompt): string {
  for (let i = prompt.length - 1; i >= 0; i--) {
    const m = prompt[i]!;
    if (m.role === 'user') return m.content.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n');
  }
  return '';
}

const QUESTION_LINE = /^Question[^:\n]*:\s*(.+)$/gm;
const ISO_DATE = /\d{4}-\d{2}-\d{2}/;
/** `[doc-id] ` at the start of a passage header. */
const DOC_ID = /^\[([^\]\s]+)\]\s+/;
/** ` (valid FROM to TO|present)` or ` (valid until TO)` (a version without validFrom). */
const VALIDITY = /\s*\(valid\s+(?:(\d{4}-\d{2}-\d{2})\s+to\s+(present|\d{4}-\d{2}-\d{2})|until\s+(\d{4}-\d{2}-\d{2}))\)\s*$/i;

export function parseUserPrompt(user: string): ParsedPrompt {
  const text = user.replace(/\r\n?/g, '\n');
  const qMatches = [...text.matchAll(QUESTION_LINE)];
  const last = qMatches.at(-1);
  const question = (last ? last[1]! : text.replace(/^\s*Answer:\s*$/gm, '')).trim();
  const asOf = last?.[0].slice(0, last[0].indexOf(':')).match(ISO_DATE)?.[0];

  const ctxAt = text.search(/^Context:\s*$/m);
  const ctxEnd = last ? last.index! : text.length;
  const passages = ctxAt >= 0 && ctxAt < ctxEnd ? parsePassages(text.slice(ctxAt, ctxEnd).replace(/^Context:\s*\n?/, '')) : [];
  return { question, asOf, passages };
}

function parsePassages(block: string): Passage[] {
  const out: Passage[] = [];
  // Each passage starts at a line beginning with [n].
  const starts = [...block.matchAll(/^\[\d+\][ \t]*/gm)];
  for (let i = 0; i < starts.length; i++) {
    const from = starts[i]!.index! + starts[i]![0].length;
    const to = i + 1 < starts.length ? starts[i + 1]!.index! : block.length;
    const chunk = block.slice(from, to);
    const nl = chunk.indexOf('\n');
    let header = (nl < 0 ? chunk : chunk.slice(0, nl)).trim();
    const body = nl < 0 ? '' : chunk.slice(nl + 1).trim();
    const id = header.match(DOC_ID);
    if (id) header = header.slice(id[0].length);
    const v = header.match(VALIDITY);
    if (v) header = header.slice(0, v.index).trim();
    out.push({
      title: header,
      ...(id ? { docId: id[1]! } : {}),
      text: body,
      validFrom: v?.[1],
      validTo: v?.[3] ?? (v?.[2] && v[2].toLowerCase() !== 'present' ? v[2] : undefined),
    });
  }
  return out;
}

/** Whether a passage is valid on `asOf`; unknown validity or date counts as valid. */
export function validOn(p: Passage, asOf: string | undefined): boolean {
  if (!asOf) return true;
  if (p.validFrom && asOf < p.validFrom) return false;
  if (p.validTo && asOf >= p.validTo) return false;
  return true;
}
