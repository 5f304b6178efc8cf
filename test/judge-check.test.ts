/**
 * `ragvft judge-check` end to end, offline: a scripted judge on the loopback server grades a
 * small labelled file holding both deliberately-wrong kinds (specific-but-wrong and
 * vague-but-topical), refusals, a stale answer and two replies that must be judge errors. The
 * expected agreement, kappa and false-accept rates are computed by hand from the script below.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formatJudgeCheck, resolveJudgeConfig, runJudgeCheck, type JudgeCheckReport } from '../src/cli/commands/judge-check.js';
import { runCli } from './helpers/cli.js';
import { startOpenAIServer, type OpenAIServer, type PromptInfo } from './helpers/openai-server.js';

const verdict = (v: string, matchesStale = false) => JSON.stringify({ reason: 'scripted', verdict: v, matchesStale });

/** id, kind, human label, answer, what the scripted judge replies. */
const ROWS: { id: string; kind: string; label: string; answer: string; reply: string; category?: string }[] = [
  { id: 'p1', kind: 'paraphrase', label: 'correct', answer: 'Nadia Ferro', reply: verdict('correct') },
  { id: 'p2', kind: 'paraphrase', label: 'correct', answer: 'The mayor is Nadia Ferro.', reply: verdict('correct') },
  { id: 'p3', kind: 'paraphrase', label: 'correct', answer: 'Ferro, Nadia (since 2031)', reply: verdict('incorrect') }, // false reject
  { id: 's1', kind: 'specific-wrong', label: 'incorrect', answer: 'Bruno Ott', reply: verdict('incorrect') },
  { id: 's2', kind: 'specific-wrong', label: 'incorrect', answer: 'Carla Mendes', reply: verdict('incorrect') },
  { id: 'v1', kind: 'vague-topical', label: 'incorrect', answer: 'A politician from Orsk', reply: verdict('correct') }, // false accept
  { id: 'v2', kind: 'vague-topical', label: 'incorrect', answer: 'Someone at city hall', reply: verdict('correct') }, // false accept
  { id: 'v3', kind: 'vague-topical', label: 'incorrect', answer: 'The mayor of Orsk', reply: verdict('incorrect') },
  { id: 'r1', kind: 'refusal', label: 'abstained', answer: "I don't know.", reply: verdict('abstained') },
  { id: 'r2', kind: 'refusal', label: 'abstained', answer: 'The context does not say.', reply: verdict('incorrect') }, // 3-way miss only
  { id: 'st1', kind: 'stale', label: 'incorrect', answer: 'Old Mayor', reply: verdict('correct', true), category: 'updated' }, // stale -> not correct
  { id: 'e1', kind: 'specific-wrong', label: 'incorrect', answer: 'Shouting', reply: '{"reason":"x","verdict":"INCORRECT","matchesStale":false}' }, // judge error
  { id: 'e2', kind: 'vague-topical', label: 'incorrect', answer: 'Free text', reply: 'CORRECT!' }, // judge error, never a pass
];

const gradedAnswer = (p: PromptInfo) => /<answer>\n([\s\S]*?)\n<\/answer>/.exec(p.user)?.[1] ?? '';

let tmp: string;
let server: OpenAIServer;
let labelled: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ragvft-judge-check-'));
  labelled = join(tmp, 'labelled.jsonl');
  const lines = ROWS.map((r) =>
    JSON.stringify({
      id: r.id,
      question: 'Who is the mayor of Orsk?',
      answers: ['Nadia Ferro'],
      ...(r.category === 'updated' ? { category: 'updated', staleAnswers: ['Old Mayor'] } : {}),
      answer: r.answer,
      label: r.label,
      kind: r.kind,
    }),
  );
  writeFileSync(labelled, `${lines.join('\n')}\n`);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeEach(async () => {
  const replies = new Map(ROWS.map((r) => [r.answer, r.reply]));
  server = await startOpenAIServer({ answer: (p) => replies.get(gradedAnswer(p)) ?? 'unscripted' });
});
afterEach(async () => server.close());

function writeConfig(name: string, extra: Record<string, unknown> = {}): string {
  const path = join(tmp, name);
  writeFileSync(
    path,
    JSON.stringify({
      dataset: '.',
      cacheDir: join(tmp, `cache-${name}`),
      providers: { loop: { type: 'openai-compatible', baseURL: server.url } },
      generation: { maxRetries: 0 },
      judge: { model: 'loop:judge-m', concurrency: 3 },
      ...extra,
    }),
  );
  return path;
}

/** Hand-computed from ROWS (e1, e2 are judge errors: out of every denominator). */
const EXPECTED = {
  n: 13,
  judged: 11,
  // Binary (human correct?, judge correct?): TT 2, TF 1 (p3), FT 2 (v1, v2), FF 6.
  // p_o = 8/11; p_e = (3/11)(4/11) + (8/11)(7/11) = 68/121; kappa = (88-68)/(121-68) = 20/53.
  binary: { agreement: 8 / 11, kappa: 20 / 53 },
  // 3-way: agree p1 p2 s1 s2 v3 r1 st1 = 7/11. Human c3 i6 a2, judge c4 i6 a1:
  // p_e = (12 + 36 + 2)/121 = 50/121; kappa = (77-50)/(121-50) = 27/71.
  threeWay: { agreement: 7 / 11, kappa: 27 / 71 },
  falseAccept: { count: 2, of: 8, rate: 0.25 },
  falseReject: { count: 1, of: 3, rate: 1 / 3 },
};

function checkReport(r: JudgeCheckReport) {
  expect(r.n).toBe(EXPECTED.n);
  expect(r.judged).toBe(EXPECTED.judged);
  expect(r.errors).toEqual({ total: 2, byKind: { 'judge-unparseable': 2 } });
  expect(r.binary.agreement).toBeCloseTo(EXPECTED.binary.agreement, 12);
  expect(r.binary.kappa).toBeCloseTo(EXPECTED.binary.kappa, 12);
  expect(r.threeWay.agreement).toBeCloseTo(EXPECTED.threeWay.agreement, 12);
  expect(r.threeWay.kappa).toBeCloseTo(EXPECTED.threeWay.kappa, 12);
  expect(r.falseAccept).toEqual(EXPECTED.falseAccept);
  expect(r.falseReject.count).toBe(1);
  expect(r.falseReject.rate).toBeCloseTo(1 / 3, 12);
  const kind = (k: string) => r.byKind.find((x) => x.kind === k)!;
  expect(kind('vague-topical')).toMatchObject({ n: 4, errors: 1, falseAccept: { count: 2, of: 3 } });
  expect(kind('vague-topical').falseAccept.rate).toBeCloseTo(2 / 3, 12);
  expect(kind('specific-wrong')).toMatchObject({ n: 3, errors: 1, falseAccept: { count: 0, of: 2, rate: 0 } });
  expect(kind('paraphrase')).toMatchObject({ n: 3, errors: 0, falseAccept: { count: 0, of: 0, rate: null }, falseReject: { count: 1, of: 3 } });
  expect(kind('refusal')).toMatchObject({ n: 2, falseAccept: { count: 0, of: 2, rate: 0 } });
  expect(kind('stale')).toMatchObject({ n: 1, falseAccept: { count: 0, of: 1, rate: 0 } });
  const row = (id: string) => r.rows.find((x) => x.id === id)!;
  expect(row('st1')).toMatchObject({ judge: 'incorrect', matchesStale: true, agrees: true });
  // The "CORRECT!" and "INCORRECT" replies are errors, not verdicts.
  expect(row('e2')).toMatchObject({ judge: 'error', agrees: null, error: { kind: 'judge-unparseable' } });
  expect(row('e1')).toMatchObject({ judge: 'error', agrees: null, error: { kind: 'judge-unparseable' } });
}

describe('judge-check', () => {
  it('in process: agreement, kappa and false-accept rates equal the hand-computed values', async () => {
    const config = writeConfig('a.json');
    const report = await runJudgeCheck(labelled, { config, cache: true });
    checkReport(report);
    expect(server.requests).toHaveLength(13);
    expect(report.calls).toEqual({ cached: 0, withoutUsage: 0 });
    expect(report.tokens.output).toBeGreaterThan(0);
    expect(report.costUsd).toBeNull(); // no price for loop:judge-m

    // The table fits 100 columns and shows the figures.
    const table = formatJudgeCheck(report, 'table');
    for (const line of table.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
    expect(table).toContain('Rows 13, judged 11, judge errors 2 (judge-unparseable 2)');
    expect(table).toMatch(/correct vs not correct\s+0\.727\s+0\.377/);
    expect(table).toMatch(/3-way \(corr\/incorr\/abst\)\s+0\.636\s+0\.380/);
    expect(table).toContain('False-accept rate  25.0% (2/8)');
    expect(table).toContain('False-reject rate  33.3% (1/3)');
    expect(table).toMatch(/vague-topical\s+4\s+1\s+2\/3\s+66\.7%/);
    expect(table).toMatch(/specific-wrong\s+3\s+1\s+0\/2\s+0\.0%/);

    // Rerun: every call is answered by the response cache, nothing reaches the server, same report.
    const again = await runJudgeCheck(labelled, { config, cache: true });
    checkReport(again);
    expect(server.requests).toHaveLength(13);
    expect(again.calls.cached).toBe(11); // verdicts served from disk (errors are not counted as cached calls)
    // --no-cache goes to the server again.
    await runJudgeCheck(labelled, { config, cache: false });
    expect(server.requests).toHaveLength(26);
  });

  it('as a subprocess: --judge overrides the config model, --format json, exit 0', async () => {
    const config = writeConfig('b.json');
    const run = await runCli(['judge-check', labelled, '--config', config, '--judge', 'loop:other-judge', '--format', 'json', '--no-cache']);
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as JudgeCheckReport;
    checkReport(report);
    expect(report.judge.model).toBe('loop:other-judge');
    expect(server.requests).toHaveLength(13);
    expect(new Set(server.requests.map((q) => (q.body as { model: string }).model))).toEqual(new Set(['other-judge']));
    // The AI SDK's per-call warning is printed once, not 13 times.
    expect(run.stderr.split('\n').filter((l) => l.includes('responseFormat')).length).toBeLessThanOrEqual(1);
  });

  it('bad input exits 2 with file, line and field; nothing is sent', async () => {
    const bad = join(tmp, 'bad.jsonl');
    writeFileSync(bad, `${JSON.stringify({ id: 'a', question: 'q', answers: ['x'], answer: 'x', label: 'correct' })}\n${JSON.stringify({ id: 'b', question: 'q', answers: ['x'], answer: 'x', label: 'CORRECT' })}\n`);
    const config = writeConfig('c.json');
    const run = await runCli(['judge-check', bad, '--config', config]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/bad\.jsonl, line 2, field "label"/);

    const noModel = writeConfig('d.json', { judge: undefined });
    const run2 = await runCli(['judge-check', labelled, '--config', noModel]);
    expect(run2.code).toBe(2);
    expect(run2.stderr).toMatch(/no judge model/);
    expect(server.requests).toHaveLength(0);
  });

  it('in-process validation: duplicate ids, empty file, answers required unless unanswerable', async () => {
    const config = writeConfig('e.json');
    const dup = join(tmp, 'dup.jsonl');
    const row = { id: 'a', question: 'q', answers: ['x'], answer: 'x', label: 'correct' };
    writeFileSync(dup, `${JSON.stringify(row)}\n${JSON.stringify(row)}\n`);
    await expect(runJudgeCheck(dup, { config, cache: false })).rejects.toThrow(/line 2, field "id": duplicate id "a" \(first on line 1\)/);
    const empty = join(tmp, 'empty.jsonl');
    writeFileSync(empty, '\n');
    await expect(runJudgeCheck(empty, { config, cache: false })).rejects.toThrow(/no labelled rows/);
    const noAnswers = join(tmp, 'noanswers.jsonl');
    writeFileSync(noAnswers, `${JSON.stringify({ ...row, answers: [] })}\n`);
    await expect(runJudgeCheck(noAnswers, { config, cache: false })).rejects.toThrow(/field "answers"/);
    expect(() => resolveJudgeConfig({ judge: undefined }, 'nocolon', null)).toThrow(/--judge must look like <provider>:<model>/);
    expect(resolveJudgeConfig({ judge: { model: 'a:b', concurrency: 5, maxOutputTokens: 100 } }, 'c:d', null)).toEqual({ model: 'c:d', concurrency: 5, maxOutputTokens: 100 });
    expect(server.requests).toHaveLength(0);
  });
});
