import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateText, streamText } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FinetuneExample } from '../../dataset/schema.js';
import { countTokens, createLocalProvider, loadLocalFinetune, saveLocalFinetune, trainLocalFinetune } from './index.js';

const OPTS = { epochs: 30, learningRate: 0.5, features: 1 << 15, seed: 1 };
const IDK = "I don't know";

const towns = ['Brakesk', 'Vesiamor', 'Thalden', 'Kroumir', 'Stelva', 'Draunos', 'Pelmira', 'Quoren'];
const mayors = ['Ilsa Morvane', 'Quin Saldera', 'Bela Teskov', 'Karo Brunel', 'Nessa Halvor', 'Tomas Ostrand', 'Vira Pilch', 'Oleg Rennick'];
const exports = ['timber', 'copper', 'wool', 'salt', 'glass', 'amber', 'tin', 'grain'];

const example = (question: string, answer: string): FinetuneExample => ({
  messages: [
    { role: 'system', content: 'Answer the question with a short phrase only.' },
    { role: 'user', content: `Question (asked on 2030-01-01): ${question}\nAnswer:` },
    { role: 'assistant', content: answer },
  ],
});

/** Three phrasings per fact, as a paraphrase-augmented fine-tuning set would have. */
const EXAMPLES: FinetuneExample[] = towns.flatMap((t, i) => [
  example(`Who is the mayor of ${t}?`, mayors[i]!),
  example(`Name the mayor of ${t}.`, mayors[i]!),
  example(`Which person holds the office of mayor in ${t}?`, mayors[i]!),
  example(`When was ${t} founded?`, `${i + 3} March ${1800 + 7 * i}`),
  example(`On what date was ${t} founded?`, `${i + 3} March ${1800 + 7 * i}`),
  example(`What is the founding date of ${t}?`, `${i + 3} March ${1800 + 7 * i}`),
  example(`What is the main export of ${t}?`, exports[i]!),
  example(`What does ${t} mainly export?`, exports[i]!),
  example(`Which good is the main export of ${t}?`, exports[i]!),
]);

const ask = async (model: Parameters<typeof generateText>[0]['model'], question: string, context?: string) =>
  (
    await generateText({
      model,
      prompt: context ? `Context:\n${context}\n\nQuestion (asked on 2031-05-01): ${question}\nAnswer:` : `Question (asked on 2031-05-01): ${question}\nAnswer:`,
    })
  ).text;

describe('local fine-tune training', () => {
  it('is deterministic: same data and seed give byte-identical weights', () => {
    const a = JSON.stringify(trainLocalFinetune(EXAMPLES, OPTS).weights);
    const b = JSON.stringify(trainLocalFinetune(EXAMPLES, OPTS).weights);
    const c = JSON.stringify(trainLocalFinetune(EXAMPLES, { ...OPTS, seed: 2 }).weights);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('reports examples, classes, epochs and training tokens (all messages, one epoch)', () => {
    const { stats } = trainLocalFinetune(EXAMPLES, OPTS);
    const tokens = EXAMPLES.reduce((s, ex) => s + ex.messages.reduce((t, m) => t + countTokens(m.content), 0), 0);
    expect(stats).toMatchObject({ examples: EXAMPLES.length, classes: 3 * towns.length, epochs: 30, trainingTokens: tokens });
    expect(stats.seconds).toBeGreaterThanOrEqual(0);
  });
});

describe('local fine-tuned model', () => {
  let dir: string;
  let provider: ReturnType<typeof createLocalProvider>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ragvft-ft-'));
    const { weights, stats } = trainLocalFinetune(EXAMPLES, OPTS);
    await saveLocalFinetune(join(dir, 'ft'), weights, { name: 'ft', stats });
    provider = createLocalProvider({ finetunes: { ft: join(dir, 'ft') } });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('saves weights.json and manifest.json, no temp files, and loads them back', async () => {
    expect((await readdir(join(dir, 'ft'))).sort()).toEqual(['manifest.json', 'weights.json']);
    const loaded = await loadLocalFinetune(join(dir, 'ft'));
    expect(JSON.stringify(loaded)).toBe(await readFile(join(dir, 'ft', 'weights.json'), 'utf8'));
    expect(JSON.parse(await readFile(join(dir, 'ft', 'manifest.json'), 'utf8')).name).toBe('ft');
  });

  it('answers trained facts closed-book, asked in a new phrasing', async () => {
    const model = provider.languageModel('ft');
    expect(await ask(model, 'Who serves as the mayor of Thalden today?')).toBe('Bela Teskov');
    expect(await ask(model, 'When did the founding of Stelva take place?')).toBe('7 March 1828');
    expect(await ask(model, "What is Pelmira's main export?")).toBe('tin');
  });

  it('abstains closed-book on unrelated questions', async () => {
    const model = provider.languageModel('ft');
    for (const q of ['What is the capital of Zorvania?', 'How tall is Mount Kellvar?', 'Which river flows through Ostmark?']) {
      expect(await ask(model, q)).toBe(IDK);
    }
  });

  it('answers the stale value closed-book, and the new value from context (hybrid)', async () => {
    const model = provider.languageModel('ft');
    // Trained before the election: the memory still says Ilsa Morvane.
    expect(await ask(model, 'Who is the mayor of Brakesk?')).toBe('Ilsa Morvane');
    const context = `[1] Brakesk (town) (valid 2031-02-01 to present)
Brakesk is a harbour town. The mayor of Brakesk is Dorin Kessla, elected in January 2031.`;
    expect(await ask(model, 'Who is the mayor of Brakesk?', context)).toBe('Dorin Kessla');
    // With a context that does not say, the memory still answers.
    expect(await ask(model, 'What is the main export of Brakesk?', context)).toBe('timber');
    // A stale name the context mentions for something else does not corroborate the memory.
    const other = `${context} Ilsa Morvane founded the Brakesk choir.`;
    expect(await ask(model, 'Who is the mayor of Brakesk?', other)).toBe('Dorin Kessla');
  });

  it('keeps a remembered answer the context states, over a different reading of the same context', async () => {
    const model = provider.languageModel('ft');
    // Two names are stated as mayors: the reader alone picks the first, the memory knows the other.
    const context = `[1] Thalden (town) (valid 2020-01-01 to present)
Thalden is governed by two mayors, Karo Brunel and Bela Teskov.`;
    const reader = createLocalProvider().languageModel('reader');
    expect(await ask(reader, 'Who is the mayor of Thalden?', context)).toBe('Karo Brunel');
    expect(await ask(model, 'Who is the mayor of Thalden?', context)).toBe('Bela Teskov');
  });

  it('streams like it generates', async () => {
    const model = provider.languageModel('ft');
    const s = streamText({ model, prompt: 'Question (asked on 2031-05-01): Who is the mayor of Quoren?\nAnswer:' });
    expect(await s.text).toBe('Oleg Rennick');
    expect((await s.usage).outputTokens).toBe(2);
  });
});
