/** Terminal rendering of RunStatistics. */
import { terminalTable } from '../report/terminal-table.js';
import { fmtInterval, fmtMeanCI, fmtNum, fmtP, fmtSigned } from './format.js';
import { metric } from '../metrics/registry.js';
import type { RunStatistics } from './schema.js';

const table = terminalTable;

export function formatStatisticsTable(stats: RunStatistics): string {
  const pct = Math.round(stats.method.level * 100);
  const sections = [
    `Statistics (${pct}% percentile-bootstrap CIs, ${stats.method.resamples} resamples, seed ${stats.method.seed}; McNemar exact test)`,
    pipelinesTable(stats),
  ];
  if (stats.comparisons.length > 0) sections.push('', 'Paired comparisons (B − A on the same questions)', comparisonsTable(stats));
  if (stats.categoryWinners.length > 0) sections.push('', 'Best pipeline per answerable category (by accuracy; tie = margin CI includes 0)', winnersTable(stats));
  if (stats.oracle) sections.push('');
  if (stats.oracle) sections.push(oracleLine(stats.oracle));
  return sections.join('\n');
}

/** Headline figures with their intervals; answerable accuracy first, abstention and hallucination apart. */
const CI_COLUMNS = ['accuracy', 'strictF1', 'abstentionAccuracy', 'hallucinationRate'] as const;

function pipelinesTable(stats: RunStatistics): string {
  const t = table(['Pipeline', ...CI_COLUMNS.map((id) => metric(id).label)]);
  for (const p of stats.pipelines) t.push([p.name, ...CI_COLUMNS.map((id) => fmtMeanCI(p.metrics[id], 2))]);
  return t.toString();
}

function comparisonsTable(stats: RunStatistics): string {
  const t = table(['A', 'B', 'ΔAccuracy', 'CI', 'ΔF1', 'A✓B✗/A✗B✓', 'p']);
  for (const c of stats.comparisons) {
    t.push([
      c.a,
      c.b,
      `${fmtSigned(c.accuracy.diff)}${c.accuracy.significant ? ' *' : ''}`,
      fmtInterval(c.accuracy, true),
      `${fmtSigned(c.strictF1.diff)}${c.strictF1.significant ? ' *' : ''}`,
      `${c.mcnemar.aOnlyCorrect}/${c.mcnemar.bOnlyCorrect}`,
      `${fmtP(c.mcnemar.pValue)}${c.mcnemar.significant ? ' *' : ''}`,
    ]);
  }
  return `${t.toString()}\nAnswerable questions; * significant at α = ${fmtNum(stats.method.alpha, 2)}`;
}

function winnersTable(stats: RunStatistics): string {
  const t = table(['Category', 'Winner', 'Leader', 'Runner-up', 'Margin CI', 'All agree']);
  for (const w of stats.categoryWinners) {
    t.push([
      w.category,
      w.tie ? 'tie' : w.winner!,
      `${w.leader} ${fmtNum(w.leaderValue, 2)}`,
      w.runnerUp ? `${w.runnerUp} ${fmtNum(w.runnerUpValue, 2)}` : '–',
      fmtInterval(w.margin, true, 2),
      `${Math.round(100 * w.allAgree)}%`,
    ]);
  }
  return t.toString();
}

function oracleLine(o: NonNullable<RunStatistics['oracle']>): string {
  const only = Object.entries(o.onlyCorrect)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');
  return [
    `Oracle router (a right pipeline for each of ${o.questions} answerable questions):`,
    `  accuracy ${fmtMeanCI(o.accuracy)}, ${fmtSigned(o.bestSingle.gain)} over the best single pipeline (${o.bestSingle.pipeline} ${fmtNum(o.bestSingle.accuracy)})`,
    `  only one pipeline right: ${only}`,
    `  several right: ${o.severalCorrect}, all right: ${o.allCorrect}, none right: ${o.noneCorrect}`,
  ].join('\n');
}
