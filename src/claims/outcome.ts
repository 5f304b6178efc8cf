/** Small pieces every claim's evaluation shares: "not measured" outcomes and the pipelines a test needs. */
import { fmtInterval, fmtSigned } from '../stats/format.js';
import type { Role, RolePipeline } from './roles.js';
import type { ClaimContext, ClaimOutcome } from './types.js';

/** `headline`: what is lacking in a few words; `missing`: the sentence saying what the run would need. */
export function notMeasured(headline: string, missing: string, evidence = '', figures: ClaimOutcome['figures'] = []): ClaimOutcome {
  return { verdict: 'not-measured', headline, evidence, figures, missing };
}

/** "stale fine-tuned − rag +0.73 [0.64, 0.82]": a difference b − a with its interval, for headlines. */
export function headlineDiff(what: string, b: string, a: string, e: { diff: number; lo: number; hi: number }): string {
  return `${what} ${b} − ${a} ${fmtSigned(e.diff, 2)} ${fmtInterval(e, false, 2)}`;
}

const ROLE_NAMES: Record<Role, string> = { 'closed-book': 'closed-book', rag: 'RAG', 'fine-tuned': 'fine-tuned', hybrid: 'hybrid (fine-tuned + RAG)' };

const and = (xs: string[]) => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`);

/**
 * The first pipeline of each role, or the "not measured" outcome naming what the run lacks:
 * "needs a RAG and a fine-tuned pipeline (has no fine-tuned pipeline)".
 */
export function requireRoles<const R extends readonly Role[]>(ctx: ClaimContext, ...roles: R): { [K in keyof R]: RolePipeline } | ClaimOutcome {
  const found = roles.map((r) => ctx.roles.first(r));
  const lacking = roles.filter((_, i) => found[i] === null);
  if (lacking.length === 0) return found as { [K in keyof R]: RolePipeline };
  return notMeasured(`no ${and(lacking.map((r) => ROLE_NAMES[r]))} pipeline`, `needs a ${and(roles.map((r) => ROLE_NAMES[r]))} pipeline (has no ${and(lacking.map((r) => ROLE_NAMES[r]))} pipeline)`);
}

export const isOutcome = <T extends readonly unknown[]>(x: T | ClaimOutcome): x is ClaimOutcome => !Array.isArray(x);
