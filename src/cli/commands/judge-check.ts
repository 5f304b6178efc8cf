/**
 * `ragvft judge-check <labelled.jsonl> [--config f] [--judge <provider:model>] [--format table|json] [--no-cache]`
 *
 * Measures the LLM judge against human labels before its verdicts are trusted: raw agreement
 * and Cohen's kappa (correct vs not-correct, and 3-way correct/incorrect/abstained), the
 * false-accept rate (human says not correct, judge says correct) and the false-reject rate
 * (human says correct, judge does not), and false accepts per `kind` of deliberately wrong
 * answer, so a judge that waves through vague-but-topical answers is visible even when it
 * catches specific-but-wrong ones.
 *
 * Judge errors (unparseable output, refusals, failed calls) are counted and listed, never
 * scored as a verdict, and left out of the agreement and rate denominators.
 *
 * Exit codes: 0 report printed (whatever the agreement), 2 bad input (file, config, usage).
 */
import { basename, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import pLimit from 'p-limit';
import { z } from 'zod';
import type { Config } from '../../config/schema.js';
import { DEFAULT_CONFIG, loadConfigOrDefault } from '../../config/load.js';
import { parseJsonl } from '../../dataset/jsonl.js';
import { wrapWithCache } from '../../models/cache.js';
import { callCostUsd, lookupPrice } from '../../models/prices.js';
import { modelRefOf, separateModelInstances } from '../../models/instances.js';
import { createModelRegistry, isLocal } from '../../models/registry.js';
import { createJudge, type Judge, type JudgeErrorKind, type JudgeOutcome } from '../../scoring/judge/judge.js';
import { type JudgeConfig, JudgeConfigSchema, VERDICTS, type Verdict } from '../../scoring/judge/schema.js';
import { cohensKappa } from '../../stats/agreement.js';
import { InputError } from '../../util/errors.js';
import { describeZodError, readInputFile } from '../../util/input.js';
import { usageErrorToInputError } from './compare.js';

const NonEmpty = z.string().trim().min(1, 'must not be empty');

export const LabelledRowSchema = z
  .strictObject({
    id: NonEmpty,
    question: NonEmpty,
    /** Accepted answers; empty only for an unanswerable question. */
    answers: z.array(NonEmpty),
    staleAnswers: z.array(NonEmpty).optional(),
    category: z.enum(['static', 'updated', 'new', 'unanswerable']).default('static'),
    /** The answer being graded (may be empty: an empty reply is a thing to grade). */
    answer: z.string(),
    /** The human verdict. */
    label: z.enum(VERDICTS),
    /** What sort of answer this is, e.g. paraphrase, specific-wrong, vague-topical, refusal, stale. */
    kind: NonEmpty.optional(),
  })
  .superRefine((r, ctx) => {
    if (r.category !== 'unanswerable' && r.answers.length === 0) ctx.addIssue({ code: 'custom', path: ['answers'], message: 'needs at least one accepted answer (only unanswerable questions have none)' });
  });
export type LabelledRow = z.infer<typeof LabelledRowSchema>;

export async function readLabelledFile(path: string): Promise<LabelledRow[]> {
  const rows = parseJsonl(await readInputFile(path), LabelledRowSchema, path);
  if (rows.length === 0) throw new InputError('no labelled rows', { file: path });
  const seen = new Map<string, number>();
  for (const { value, line } of rows) {
    const first = seen.get(value.id);
    if (first !== undefined) throw new InputError(`duplicate id "${value.id}" (first on line ${first})`, { file: path, line, field: 'id' });
    seen.set(value.id, line);
  }
  return rows.map((r) => r.value);
}

/**
 * The judge settings: the config's `judge` section with `--judge` overriding its model
 * (re-validated, since the CLI model is new input). No model anywhere is bad input.
 */
export function resolveJudgeConfig(config: Pick<Config, 'judge'>, cliModel: string | undefined, configPath: string | null): JudgeConfig {
  const raw = { ...(config.judge ?? {}), ...(cliModel !== undefined ? { model: cliModel } : {}) };
  if (!('model' in raw)) throw new InputError('no judge model: pass --judge <provider:model> or set judge.model in the config');
  const parsed = JudgeConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const { field, message } = describeZodError(parsed.error);
    if (cliModel !== undefined && field === 'model') throw new InputError(`--judge ${message}`);
    throw new InputError(message, { ...(configPath ? { file: configPath } : {}), field: `judge${field ? `.${field}` : ''}` });
  }
  return parsed.data;
}

// ---------------------------------------------------------------------------------------------
// Report

export interface Rate {
  count: number;
  of: number;
  /** null when `of` is 0. */
  rate: number | null;
}

export interface AgreementSummary {
  n: number;
  agreement: number | null;
  kappa: number | null;
  /** Both raters used one single label: kappa is 1 by definition, not evidence (see stats/agreement.ts). */
  degenerate: boolean;
}

export interface KindSummary {
  kind: string;
  n: number;
  errors: number;
  /** Human not correct (incorrect or abstained), judge correct. */
  falseAccept: Rate;
  /** Human correct, judge not correct. */
  falseReject: Rate;
}

/** The judge's effective 3-way label: correct means `outcome.correct` (a stale answer is not correct). */
export type JudgeLabel = Verdict | 'error';

export interface JudgeCheckRow {
  id: string;
  kind: string | null;
  category: string;
  human: Verdict;
  judge: JudgeLabel;
  matchesStale: boolean | null;
  agrees: boolean | null;
  error: { kind: JudgeErrorKind; message: string } | null;
  reason: string | null;
  cached: boolean;
}

export interface JudgeCheckReport {
  file: string;
  judge: { model: string; fingerprint: string };
  n: number;
  judged: number;
  errors: { total: number; byKind: Partial<Record<JudgeErrorKind, number>> };
  /** Correct vs not-correct. */
  binary: AgreementSummary;
  /** correct / incorrect / abstained. */
  threeWay: AgreementSummary;
  falseAccept: Rate;
  falseReject: Rate;
  byKind: KindSummary[];
  calls: { cached: number; withoutUsage: number };
  /** Tokens of the calls that reported usage, cached calls included. */
  tokens: { input: number; output: number };
  /** USD of the uncached calls; null when the price is unknown or an uncached call reported no usage. */
  costUsd: number | null;
  rows: JudgeCheckRow[];
}

const rate = (count: number, of: number): Rate => ({ count, of, rate: of === 0 ? null : count / of });

function judgeLabel(o: JudgeOutcome): JudgeLabel {
  if (!o.ok) return 'error';
  return o.correct ? 'correct' : o.verdict === 'correct' ? 'incorrect' : o.verdict;
}

function agreementSummary(a: string[], b: string[]): AgreementSummary {
  const k = cohensKappa(a, b);
  return { n: k.n, agreement: k.agreement, kappa: k.kappa, degenerate: k.degenerate };
}

/** Pure: the report from labelled rows and the judge's outcome for each (same order). */
export function computeJudgeCheckReport(
  rows: readonly LabelledRow[],
  outcomes: readonly JudgeOutcome[],
  meta: { file: string; model: string; fingerprint: string; price?: { input: number; output: number } | null },
): JudgeCheckReport {
  if (rows.length !== outcomes.length) throw new RangeError('one outcome per row');
  const out: JudgeCheckRow[] = rows.map((r, i) => {
    const o = outcomes[i]!;
    const judge = judgeLabel(o);
    return {
      id: r.id,
      kind: r.kind ?? null,
      category: r.category,
      human: r.label,
      judge,
      matchesStale: o.ok ? o.matchesStale : null,
      agrees: judge === 'error' ? null : judge === r.label,
      error: o.ok ? null : o.error,
      reason: o.ok ? (o.reason ?? null) : null,
      cached: o.ok ? o.cached : false,
    };
  });
  const judgedRows = out.filter((r) => r.judge !== 'error');
  const errors: Partial<Record<JudgeErrorKind, number>> = {};
  for (const r of out) if (r.error) errors[r.error.kind] = (errors[r.error.kind] ?? 0) + 1;

  const fa = (rs: JudgeCheckRow[]) => rate(rs.filter((r) => r.human !== 'correct' && r.judge === 'correct').length, rs.filter((r) => r.human !== 'correct').length);
  const fr = (rs: JudgeCheckRow[]) => rate(rs.filter((r) => r.human === 'correct' && r.judge !== 'correct').length, rs.filter((r) => r.human === 'correct').length);

  const kinds = [...new Set(out.map((r) => r.kind ?? '-'))].sort();
  const byKind = kinds.map((kind) => {
    const all = out.filter((r) => (r.kind ?? '-') === kind);
    const judged = all.filter((r) => r.judge !== 'error');
    return { kind, n: all.length, errors: all.length - judged.length, falseAccept: fa(judged), falseReject: fr(judged) };
  });

  let input = 0;
  let output = 0;
  let withoutUsage = 0;
  let cached = 0;
  let cost: number | null = meta.price ? 0 : null;
  for (const o of outcomes) {
    const isCached = o.ok && o.cached;
    if (isCached) cached++;
    if (o.tokens) {
      input += o.tokens.input;
      output += o.tokens.output;
      if (!isCached && cost !== null) cost += callCostUsd(meta.price ?? null, o.tokens) ?? 0;
    } else {
      withoutUsage++;
      // A failed call that never reached the model (no usage, no answer) is not known to be billed;
      // an answered call without usage is, at an unknown amount.
      if (!isCached && o.ok) cost = null;
    }
  }

  return {
    file: meta.file,
    judge: { model: meta.model, fingerprint: meta.fingerprint },
    n: out.length,
    judged: judgedRows.length,
    errors: { total: out.length - judgedRows.length, byKind: errors },
    binary: agreementSummary(judgedRows.map((r) => String(r.human === 'correct')), judgedRows.map((r) => String(r.judge === 'correct'))),
    threeWay: agreementSummary(judgedRows.map((r) => r.human), judgedRows.map((r) => r.judge)),
    falseAccept: fa(judgedRows),
    falseReject: fr(judgedRows),
    byKind,
    calls: { cached, withoutUsage },
    tokens: { input, output },
    costUsd: cost,
    rows: out,
  };
}

// ---------------------------------------------------------------------------------------------
// Formatting (the table fits 100 columns)

export type JudgeCheckFormat = 'table' | 'json';

const pct = (r: Rate) => (r.rate === null ? 'n/a' : `${(r.rate * 100).toFixed(1)}%`);
const frac = (r: Rate) => `${r.count}/${r.of}`;
const num3 = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
const cut = (s: string, w: number) => (s.length <= w ? s : `${s.slice(0, w - 1)}…`);

export function formatJudgeCheck(report: JudgeCheckReport, format: JudgeCheckFormat): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  const lines: string[] = [];
  const errs = Object.entries(report.errors.byKind).map(([k, n]) => `${k} ${n}`).join(', ');
  lines.push(cut(`Judge check: ${report.judge.model} vs human labels (${basename(report.file)})`, 100));
  lines.push(`Rows ${report.n}, judged ${report.judged}, judge errors ${report.errors.total}${errs ? ` (${errs})` : ''}`);
  lines.push('');
  const kappa = (a: AgreementSummary) => `${num3(a.kappa)}${a.degenerate ? ' (one label only: undefined)' : ''}`;
  lines.push(`${'Agreement'.padEnd(26)}${'raw'.padStart(8)}   Cohen's kappa`);
  lines.push(`${'correct vs not correct'.padEnd(26)}${num3(report.binary.agreement).padStart(8)}   ${kappa(report.binary)}`);
  lines.push(`${'3-way (corr/incorr/abst)'.padEnd(26)}${num3(report.threeWay.agreement).padStart(8)}   ${kappa(report.threeWay)}`);
  lines.push('');
  lines.push(`False-accept rate ${pct(report.falseAccept).padStart(6)} (${frac(report.falseAccept)})  human incorrect/abstained, judge correct`);
  lines.push(`False-reject rate ${pct(report.falseReject).padStart(6)} (${frac(report.falseReject)})  human correct, judge not correct`);
  lines.push('');
  const kw = Math.min(28, Math.max(4, ...report.byKind.map((k) => k.kind.length)));
  lines.push(`${'Kind'.padEnd(kw)}  ${'n'.padStart(4)}  ${'errors'.padStart(6)}  ${'false accepts'.padStart(13)}  ${'FA rate'.padStart(7)}  ${'false rejects'.padStart(13)}  ${'FR rate'.padStart(7)}`);
  for (const k of report.byKind) {
    lines.push(
      `${cut(k.kind, kw).padEnd(kw)}  ${String(k.n).padStart(4)}  ${String(k.errors).padStart(6)}  ${frac(k.falseAccept).padStart(13)}  ${pct(k.falseAccept).padStart(7)}  ${frac(k.falseReject).padStart(13)}  ${pct(k.falseReject).padStart(7)}`,
    );
  }
  const disagreements = report.rows.filter((r) => r.agrees === false || r.judge === 'error');
  if (disagreements.length > 0) {
    lines.push('');
    lines.push(`Disagreements and errors (${disagreements.length}${disagreements.length > 30 ? ', first 30' : ''}):`);
    for (const r of disagreements.slice(0, 30)) {
      const what = r.error ? `${r.error.kind}: ${r.error.message}` : `human ${r.human}, judge ${r.judge}${r.matchesStale ? ' (stale)' : ''}`;
      lines.push(cut(`  ${cut(r.id, 20)} [${cut(r.kind ?? '-', 16)}] ${what}`, 100));
    }
  }
  lines.push('');
  const usage = `${report.tokens.input} in / ${report.tokens.output} out tokens${report.calls.withoutUsage ? ` (${report.calls.withoutUsage} calls without usage)` : ''}`;
  const cost = report.costUsd === null ? 'cost unknown' : `$${report.costUsd.toFixed(4)}`;
  lines.push(cut(`Judge calls: ${report.n}, cached ${report.calls.cached}; ${usage}; ${cost}`, 100));
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Command

export interface JudgeCheckCliOptions {
  config?: string;
  judge?: string;
  format: JudgeCheckFormat;
  /** commander's --no-cache */
  cache: boolean;
}

export function registerJudgeCheck(program: Command): Command {
  return program
    .command('judge-check')
    .description('Measure the LLM judge against human labels: agreement, Cohen\'s kappa, false-accept/false-reject rates per kind')
    .argument('<labelled>', 'labelled JSONL: {id, question, answers, staleAnswers?, category?, answer, label, kind?} per line')
    .option('--config <file>', `config file (providers, cacheDir, judge section); default ${DEFAULT_CONFIG} if present`)
    .option('--judge <model>', 'judge model <provider>:<model> (overrides judge.model in the config)')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('--no-cache', 'do not read or write the response cache')
    .configureOutput({ outputError: () => {} })
    .exitOverride(usageErrorToInputError)
    .action(async (file: string, opts: JudgeCheckCliOptions) => {
      const report = await runJudgeCheck(file, opts);
      process.stdout.write(formatJudgeCheck(report, opts.format));
      process.exitCode = 0;
    });
}

/** The whole command without printing: InputError on bad input (exit 2). */
export async function runJudgeCheck(file: string, opts: Omit<JudgeCheckCliOptions, 'format'>): Promise<JudgeCheckReport> {
  const rows = await readLabelledFile(file);
  const loaded = await loadConfigOrDefault(opts.config);
  const configPath = loaded.path;
  // A judge instance of a TS/JS config is named by its id from here on, as in bench.
  const { config, instances } = separateModelInstances(loaded.config);
  const judgeConfig = resolveJudgeConfig(config, opts.judge, configPath);
  const ref = modelRefOf(judgeConfig.model);
  const registry = createModelRegistry({ providers: config.providers, localFinetunes: {}, refs: [ref], instances });
  let model = registry.languageModel(ref);
  if (opts.cache && config.responseCache && !isLocal(ref)) {
    model = wrapWithCache(model, resolve(config.cacheDir, 'responses'), {
      namespace: registry.endpoint(ref),
      onWriteError: (e) => process.stderr.write(`ragvft: warning: response cache write failed: ${(e as Error).message}\n`),
    });
  }
  installWarningDedup();
  const judge: Judge = createJudge({
    model,
    prompt: judgeConfig.prompt,
    labels: judgeConfig.labels,
    maxOutputTokens: judgeConfig.maxOutputTokens,
    maxRetries: config.generation.maxRetries,
    timeoutMs: config.timeoutMs,
  });
  const limit = pLimit(judgeConfig.concurrency);
  const outcomes = await Promise.all(
    rows.map((r) =>
      limit(() => judge.judge({ question: r.question, goldAnswers: r.answers, staleAnswers: r.staleAnswers, answer: r.answer, category: r.category })),
    ),
  );
  const { price } = lookupPrice(ref, { overrides: config.cost.prices, providerType: registry.providerType(ref) });
  return computeJudgeCheckReport(rows, outcomes, { file, model: ref, fingerprint: judge.fingerprint, price });
}

/**
 * The AI SDK logs every warning of every call (e.g. "responseFormat not supported" for an
 * openai-compatible provider without structured outputs): print each distinct one once.
 * Leaves a logger the user configured alone.
 */
export function installWarningDedup(): void {
  const g = globalThis as { AI_SDK_LOG_WARNINGS?: unknown };
  if (g.AI_SDK_LOG_WARNINGS !== undefined) return;
  const seen = new Set<string>();
  g.AI_SDK_LOG_WARNINGS = (o: { warnings: unknown[]; provider?: string; model?: string }) => {
    for (const w of o.warnings) {
      const text = JSON.stringify(w);
      if (seen.has(text)) continue;
      seen.add(text);
      process.stderr.write(`ragvft: warning (${o.provider ?? '?'}/${o.model ?? '?'}): ${describeWarning(w)}\n`);
    }
  };
}

function describeWarning(w: unknown): string {
  const x = w as { type?: string; feature?: string; details?: string; message?: string };
  if (x.type === 'unsupported') return `unsupported ${x.feature ?? 'feature'}${x.details ? `: ${x.details}` : ''}`;
  return x.message ?? JSON.stringify(w);
}
