/**
 * The claims' verdicts as text: one line per claim (verdict, id, the deciding figure) for the
 * terminal and the end of every `bench`, and the evidence behind each. Everything fits 100 columns.
 */
import type { ClaimResult, ClaimVerdict } from '../claims/types.js';
import { evaluateClaims } from '../claims/registry.js';
import type { ResultView } from '../results/view.js';
import { clipLine, WIDTH, wrap } from './terminal-table.js';

export const VERDICT_LABELS: Record<ClaimVerdict, string> = { supported: 'supported', contradicted: 'contradicted', inconclusive: 'inconclusive', 'not-measured': 'not measured' };

/** `supported*`: the star refers to the scale note printed once below the lines. */
const verdictCell = (c: ClaimResult) => `${VERDICT_LABELS[c.verdict]}${c.scale ? '*' : ''}`;

/** "supported*     rag-fresh-after-cutoff         stale fine-tuned − rag +1.00 [1.00, 1.00]". */
export function claimLines(claims: readonly ClaimResult[], indent = ''): string[] {
  const vw = Math.max(...claims.map((c) => verdictCell(c).length));
  const iw = Math.max(...claims.map((c) => c.id.length));
  return claims.map((c) => indent + clipLine(`${verdictCell(c).padEnd(vw)}  ${c.id.padEnd(iw)}  ${c.headline}`, WIDTH - indent.length));
}

/** The scale note behind the stars, wrapped; empty when no verdict needs one. */
export function scaleFootnote(claims: readonly ClaimResult[], scale: string | null): string[] {
  return scale && claims.some((c) => c.scale) ? [wrap(`* ${scale}.`, WIDTH, 2)] : [];
}

/** Each claim's evidence (or what the run lacks), wrapped under its id. */
export function evidenceLines(claims: readonly ClaimResult[], indent = ''): string[] {
  return claims.map((c) => wrap(`${indent}${c.id}: ${c.verdict === 'not-measured' ? `not measured: ${c.missing ?? ''}${c.evidence ? `; ${c.evidence}` : ''}` : c.evidence}`, WIDTH, 4));
}

/**
 * The short version at the end of every `bench`: one line per claim, the scale note once, under
 * the command that shows the evidence (for `resultPath`, the file the bench wrote).
 */
export function formatClaimsSummary(result: ResultView, resultPath = '<result.json>'): string {
  const claims = evaluateClaims(result);
  const scale = claims.find((c) => c.scale)?.scale ?? null;
  return [clipLine(`claims (evidence: ragvft report ${resultPath}):`), ...claimLines(claims, '  '), ...scaleFootnote(claims, scale)].join('\n');
}
