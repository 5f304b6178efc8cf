import { generateText, streamText } from 'ai';
import { describe, expect, it } from 'vitest';
import { createLocalProvider } from './index.js';

const SYSTEM = "Answer the question with a short phrase only. If you do not know the answer, reply exactly: I don't know";

const CONTEXT = `[1] Brakesk (town) (valid 2020-01-01 to present)
Brakesk is a harbour town on the Sorel coast. It was founded on 14 March 1821 by Tessa Drovane. The town has a population of 48,300. Its largest employer is the Kroun Shipping Company.

[2] Kroun Shipping Company (valid 2020-01-01 to present)
The Kroun Shipping Company is a freight operator. It is headquartered in Vesiamor and employs 2,150 people. Its main cargo is timber.

[3] Vesiamor (city) (valid 2020-01-01 to present)
Vesiamor is the capital of the province of Thalden. The city council is led by Mayor Quin Saldera.`;

const prompt = (question: string, context: string | null = CONTEXT, asOf = '2031-05-01') =>
  context === null
    ? `Question (asked on ${asOf}): ${question}\nAnswer:`
    : `Context:\n${context}\n\nQuestion (asked on ${asOf}): ${question}\nAnswer:`;

const model = createLocalProvider().languageModel('reader');
const ask = async (question: string, context?: string | null, asOf?: string) =>
  (await generateText({ model, system: SYSTEM, prompt: prompt(question, context, asOf) })).text;

describe('reader through generateText', () => {
  it.each([
    ['When was Brakesk founded?', '14 March 1821'],
    ['In what year was Brakesk founded?', '1821'],
    ['What is the population of Brakesk?', '48,300'],
    ['How many people does the Kroun Shipping Company employ?', '2,150'],
    ['Who founded Brakesk?', 'Tessa Drovane'],
    ['Who is the mayor of Vesiamor?', 'Quin Saldera'],
    ['Where is the Kroun Shipping Company headquartered?', 'Vesiamor'],
    ['Which city is the capital of Thalden?', 'Vesiamor'],
    ['Which company is the largest employer in Brakesk?', 'Kroun Shipping Company'],
    ['What is the main cargo of the Kroun Shipping Company?', 'timber'],
  ])('%s -> %s', async (q, a) => expect(await ask(q)).toBe(a));

  it.each([
    'What is the population of Vesiamor?', // attribute stated for another entity only
    'When was the Kroun Shipping Company founded?', // no founding date of the company anywhere
    'Who is the mayor of Brakesk?', // no mayor of Brakesk
    'What is the capital of Zorvania?', // entity absent
  ])('abstains when the context does not say: %s', async (q) => expect(await ask(q)).toBe("I don't know"));

  it('abstains closed-book: the base model knows nothing of the domain', async () => {
    expect(await ask('When was Brakesk founded?', null)).toBe("I don't know");
  });

  it('prefers the passage valid on the asked date when two versions disagree', async () => {
    const versions = `[1] Brakesk (town) (valid 2019-03-01 to 2031-02-01)
The mayor of Brakesk is Ilsa Morvane.

[2] Brakesk (town) (valid 2031-02-01 to present)
The mayor of Brakesk is Dorin Kessla.`;
    expect(await ask('Who is the mayor of Brakesk today?', versions, '2031-05-01')).toBe('Dorin Kessla');
    expect(await ask('Who was the mayor of Brakesk?', versions, '2030-06-01')).toBe('Ilsa Morvane');
    // Order in the context does not matter.
    const swapped = versions.replace('[1]', '[X]').replace('[2]', '[1]').replace('[X]', '[2]').split('\n\n').reverse().join('\n\n');
    expect(await ask('Who is the mayor of Brakesk today?', swapped, '2031-05-01')).toBe('Dorin Kessla');
  });
});

describe('reader through streamText', () => {
  it('streams the same text and usage as generateText', async () => {
    for (const q of ['Who founded Brakesk?', 'When was the Kroun Shipping Company founded?']) {
      const call = { model, system: SYSTEM, prompt: prompt(q) };
      const generated = await generateText(call);
      const streamed = streamText(call);
      const deltas: string[] = [];
      for await (const d of streamed.textStream) deltas.push(d);
      const usage = await streamed.usage;

      expect(deltas.join('')).toBe(generated.text);
      expect(await streamed.text).toBe(generated.text);
      expect(generated.usage.inputTokens).toBeGreaterThan(100);
      expect(generated.usage.outputTokens).toBeGreaterThan(0);
      expect(usage.inputTokens).toBe(generated.usage.inputTokens);
      expect(usage.outputTokens).toBe(generated.usage.outputTokens);
      expect(usage.totalTokens).toBe(generated.usage.totalTokens);
      expect(await streamed.finishReason).toBe('stop');
    }
  });

  it('emits one delta per word, each with its trailing space', async () => {
    const streamed = streamText({ model, prompt: prompt('When was Brakesk founded?') });
    const deltas: string[] = [];
    for await (const d of streamed.textStream) deltas.push(d);
    expect(deltas).toEqual(['14 ', 'March ', '1821']);
  });
});
