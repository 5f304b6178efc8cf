/**
 * Child process for the journal crash test: appends `count` records to a journal, `delayMs` apart,
 * printing `appended <n>` after each durable append. With `resume`, it opens the existing journal
 * and appends only the pairs not yet recorded, as `bench --resume` does.
 *
 *   node --import tsx test/helpers/journal-writer.ts <dir> <count> <delayMs> [resume]
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ResultRecord } from '../../src/results/schema.js';
import { recordKey } from '../../src/pipelines/run.js';
import { createJournal, openJournal } from '../../src/run/journal.js';

export function fakeRecord(i: number, pipeline = 'rag'): ResultRecord {
  return {
    questionId: `q${i}`,
    category: 'static',
    asOf: null,
    pipeline,
    // Long enough that a write is not trivially atomic-looking; content is deterministic.
    answer: `answer ${i} `.repeat(50).trim(),
    abstained: false,
    correct: i % 2 === 1,
    scores: { strict: { exactMatch: i % 2, f1: (i % 10) / 10 }, lenient: { correct: i % 2 === 1, matchesStale: false } },
    hallucinated: i % 2 === 0,
    freshness: null,
    finishReason: 'stop',
    responseModelId: 'm',
    latencyMs: { total: 12.5, embed: 1, search: 0.5, generate: 11, firstToken: 3 },
    tokens: { input: 10 + i, output: 3 },
    costUsd: 0.0001,
    cpuMs: null,
    cached: false,
    embedCached: false,
    retrievedDocIds: ['d1', 'd2'],
    retrieval: { recall: 1, reciprocalRank: 1, chunkRecall: true },
    answerInContext: true,
    leaked: null,
    citations: null,
    citation: null,
    error: null,
  };
}

async function main() {
  const [dir, countArg, delayArg, mode] = process.argv.slice(2);
  const count = Number(countArg);
  const delayMs = Number(delayArg);
  const resume = mode === 'resume' || existsSync(join(dir, 'meta.json'));
  const journal = resume
    ? openJournal(dir)
    : createJournal(dir, { runId: 'run-test', startedAt: new Date().toISOString(), configPath: 'ragvft.config.ts', configHash: 'c', datasetHash: 'd', pipelines: ['rag'] });
  for (let i = 0; i < count; i++) {
    if (journal.done.has(recordKey(`q${i}`, 'rag'))) continue;
    journal.append(fakeRecord(i));
    process.stdout.write(`appended ${journal.records.length}\n`);
    await new Promise((r) => setTimeout(r, delayMs));
  }
  journal.close();
  process.stdout.write('done\n');
}

// Run as a script only, so tests can import fakeRecord without side effects.
if (process.argv[1]?.endsWith('journal-writer.ts')) {
  void main().catch((err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(1);
  });
}
