/**
 * Shared by the reader's dev scripts (reader-eval, train-reader): a bench config's dataset, the
 * prompts a bench would send for each question (retrieved top-k context, closed-book) and the
 * gold-document prompt, and the config's fine-tuned memory. Development only.
 */
import { loadConfig } from '../src/config/load.js';
import { loadDataset } from '../src/dataset/load.js';
import type { Question } from '../src/dataset/schema.js';
import { ensureLocalFinetune } from '../src/models/finetune.js';
import { Memory } from '../src/models/local/memory.js';
import { parseUserPrompt, type ParsedPrompt } from '../src/models/local/prompt.js';
import { loadLocalFinetune } from '../src/models/local/train.js';
import { formatContext, renderTemplate } from '../src/pipelines/prompt.js';
import { type Chunk, chunkDocuments } from '../src/retrieval/chunk.js';
import { buildRetriever } from '../src/retrieval/setup.js';
import { createAbstentionDetector, scoreAnswer } from '../src/scoring/index.js';

export interface DevQuestion {
  q: Question;
  rag: ParsedPrompt;
  /** The gold documents alone as context; null for unanswerable questions. */
  gold: ParsedPrompt | null;
  closedBook: ParsedPrompt;
}

export interface DevSet {
  name: string;
  questions: DevQuestion[];
  memory: Memory;
  /** The lenient scorer's decision for an answer (abstentions included). */
  correct: (q: Question, answer: string) => boolean;
}

/** Tune/report halves by page: a document's versions (`x-v2`) share their page. */
export function part(q: Question): 'tune' | 'report' {
  const key = (q.sourceDocIds[0] ?? q.nearMissDocIds?.[0] ?? q.id).replace(/-v\d+$/, '');
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % 2 === 0 ? 'tune' : 'report';
}

/** `spec` is `<config>` or `<config>:<tune|report|all>`. */
export async function loadDevSet(spec: string, finetune = 'ft-paraphrase'): Promise<DevSet> {
  const [path, split = 'all'] = spec.split(/:(?=tune$|report$|all$)/);
  const { config, datasetPath } = await loadConfig(path!);
  const dataset = await loadDataset(datasetPath);
  const docs = new Map(dataset.documents.map((d) => [d.id, d]));
  const quiet = { log: () => {}, start: () => ({ tick: () => {}, done: () => {} }) };
  const { retriever } = await buildRetriever(config, dataset, quiet, {
    embeddingModel: () => {
      throw new Error('dev scripts run local embeddings only');
    },
  });
  const ft = await ensureLocalFinetune(finetune, config, dataset);
  const memory = new Memory(await loadLocalFinetune(ft.dir));
  const isAbstention = createAbstentionDetector(config.scoring.abstentionPatterns);
  const asOf = (q: Question) => q.asOf ?? 'an unspecified date';
  const withContext = (q: Question, chunks: readonly Chunk[]) =>
    parseUserPrompt(renderTemplate(config.prompts.withContext, { context: formatContext(chunks), question: q.question, asOf: asOf(q) }));
  // The gold documents as the chunker cuts them (all their chunks, in order): the format the reader reads.
  const goldChunks = (ids: readonly string[]) => chunkDocuments(ids.map((id) => docs.get(id)!), { chunkSize: config.retrieval.chunkSize, chunkOverlap: config.retrieval.chunkOverlap });

  const questions: DevQuestion[] = [];
  for (const q of dataset.questions.filter((x) => split === 'all' || part(x) === split)) {
    const r = await retriever.retrieve(q.question, { asOf: config.retrieval.temporalFilter ? (q.asOf ?? null) : null, groups: q.askedAs });
    questions.push({
      q,
      rag: withContext(q, r.chunks),
      gold: q.sourceDocIds.length ? withContext(q, goldChunks(q.sourceDocIds)) : null,
      closedBook: parseUserPrompt(renderTemplate(config.prompts.closedBook, { question: q.question, asOf: asOf(q) })),
    });
  }
  return { name: `${dataset.manifest.name}:${split}`, questions, memory, correct: (q, a) => scoreAnswer(q, a, isAbstention).lenient.correct };
}
