/** The claims table: each claim of the catalogue with its verdict, evidence and figures (from evaluateClaims). */
import type { ClaimFigure, ClaimResult, ClaimVerdict } from '../../claims/types.js';
import { fmtInterval, fmtNum, fmtRatio } from '../../stats/format.js';
import { type Html, html } from './escape.js';

const VERDICT_LABEL: Record<ClaimVerdict, string> = {
  supported: 'supported',
  contradicted: 'contradicted',
  inconclusive: 'inconclusive',
  'not-measured': 'not measured',
};

function fmtValue(unit: ClaimFigure['unit'], x: number | null | undefined): string {
  if (x === null || x === undefined) return '–';
  switch (unit) {
    case 'rate':
      return fmtNum(x);
    case 'ratio':
      return fmtRatio(x);
    case 'ms':
      return `${fmtNum(x, 1)} ms`;
    case 'usd':
      return `$${x.toPrecision(3)}`;
    case 'count':
      return Math.round(x).toLocaleString('en-US');
  }
}

/** "0.760 [0.620, 0.810]" in the figure's unit. */
export function formatFigure(f: ClaimFigure): string {
  const value = fmtValue(f.unit, f.value);
  if (f.lo === undefined || f.hi === undefined) return value;
  return f.unit === 'rate' ? `${value} ${fmtInterval({ lo: f.lo, hi: f.hi })}` : `${value} [${fmtValue(f.unit, f.lo)}, ${fmtValue(f.unit, f.hi)}]`;
}

export function claimsTable(claims: readonly ClaimResult[]): Html {
  if (claims.length === 0) return html`<p class="note">No claim was evaluated.</p>`;
  const rows = claims.map(
    (c) => html`<tr class="claim" data-verdict="${c.verdict}">
<td><span class="verdict v-${c.verdict}">${VERDICT_LABEL[c.verdict]}</span></td>
<td><p class="claim-text">${c.claim}</p><p class="claim-id">${c.id}</p></td>
<td>${c.verdict === 'not-measured' ? html`<p>Not measured: ${c.missing ?? 'the run lacks what the test needs'}</p>` : html`<p>${c.evidence}</p>`}${
      c.figures.length > 0 ? html`<ul class="figures">${c.figures.map((f) => html`<li>${f.label}: <b>${formatFigure(f)}</b></li>`)}</ul>` : ''
    }${c.scale ? html`<p class="scale">Scale: ${c.scale}</p>` : ''}</td>
<td class="test">${c.test}</td>
</tr>`,
  );
  return html`<table class="claims"><thead><tr><th>verdict</th><th>claim</th><th>evidence</th><th>test</th></tr></thead><tbody>${rows}</tbody></table>`;
}
