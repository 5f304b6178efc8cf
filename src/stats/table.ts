/** Terminal rendering of RunStatistics. */
import Table from 'cli-table3';
import { fmtInterval, fmtMeanCI, fmtNum, fmtP, fmtSigned } from './format.js';
import type { RunStatistics } from './schema.js';

function table(head: string[]): Table.Table {
  // No colours: output is often piped into files and CI logs.
  return new Table({ head, style: { head: [], border: [] } });
}

export function formatStatisticsTable(stats: RunStatistics): string {
  const pct = Math.round(stats.method.level * 100);
  const sections = [
    `Statistics (${pct}% percentile-bootstrap CIs, ${stats.method.resamples} resamples, seed ${stats.method.seed}; McNemar exact test)`,
    pipelinesTable(stats),
  ];
  if (stats.comparisons.length > 0) sections.push('Paired comparisons (B − A on the same questions)', comparisonsTable(stats));
  if (stats.categoryWinners.length > 0) sections.push('Best pipeline per category (by F1)', winnersTable(stats));
  if (stats.oracle) sections.push(oracleLine(stats.oracle));
  return sections.join('\n');
}

function pipelinesTable(stats: RunStatistics): string {
  const t = table(['Pipeline', 'F1', 'Exact match', 'Stale rate', 'Missing rate']);
  for (const p of stats.pipelines) t.push([p.name, fmtMeanCI(p.f1), fmtMeanCI(p.exactMatch), fmtMeanCI(p.staleRate), fmtMeanCI(p.missingRate)]);
  return t.toString();
}

function comparisonsTable(stats: RunStatistics): string {
  const t = table(['A', 'B', 'ΔF1', 'CI', 'ΔEM', 'McNemar A✓B✗/A✗B✓', 'p']);
  for (const c of stats.comparisons) {
    t.push([
      c.a,
      c.b,
      `${fmtSigned(c.f1.diff)}${c.f1.significant ? ' *' : ''}`,
      fmtInterval(c.f1, true),
      fmtSigned(c.exactMatch.diff),
      `${c.mcnemar.aOnlyCorrect}/${c.mcnemar.bOnlyCorrect}`,
      `${fmtP(c.mcnemar.pValue)}${c.mcnemar.significant ? ' *' : ''}`,
    ]);
  }
  return `${t.toString()}\n* significant at α = ${fmtNum(stats.method.alpha, 2)}`;
}

function winnersTable(stats: RunStatistics): string {
  const t = table(['Category', 'Winner', 'Leader F1', 'Runner-up F1', 'Margin CI']);
  for (const w of stats.categoryWinners) {
    t.push([
      w.category,
      w.tie ? `tie (${w.leader} ≈ ${w.runnerUp})` : w.winner!,
      `${w.leader} ${fmtNum(w.leaderF1)}`,
      w.runnerUp ? `${w.runnerUp} ${fmtNum(w.runnerUpF1)}` : '–',
      fmtInterval(w.margin, true),
    ]);
  }
  return t.toString();
}

function oracleLine(o: NonNullable<RunStatistics['oracle']>): string {
  const chosen = Object.entries(o.chosen)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');
  return [
    `Oracle router (best pipeline per question, ${o.questions} questions): F1 ${fmtMeanCI(o.f1)}, EM ${fmtMeanCI(o.exactMatch)}`,
    `  ${fmtSigned(o.bestSingle.gain)} F1 over the best single pipeline (${o.bestSingle.pipeline} ${fmtNum(o.bestSingle.f1)}); routed: ${chosen} (${o.tied} ties, sent to the first listed)`,
  ].join('\n');
}
