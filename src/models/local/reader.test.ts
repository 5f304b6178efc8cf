import { generateText, streamText } from 'ai';
import { describe, expect, it } from 'vitest';
import { createLocalProvider } from './index.js';
import { parseUserPrompt } from './prompt.js';
import { FEATURES, readCandidates } from './reader.js';
import { READER_MODEL } from './reader-model.js';

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

/** Encyclopedic prose in another style than the fixture: the reader must not depend on one corpus's templates. */
const PROSE = `[1] Orlenhaven (city) (valid 2020-01-01 to present)
Orlenhaven is a port city on the western shore of Lake Tavir. Founded by fishermen in 1384, it became the seat of the Duchy of Marrow in the sixteenth century. As of the 2029 census, the city had 214,560 inhabitants. Since 2027 its mayor has been Halvard Quist. The Orlenhaven Observatory, opened on 2 October 1911, sits on Beacon Hill.

[2] Quist, Halvard (valid 2020-01-01 to present)
Halvard Quist (born 17 April 1968 in Seltby) is a politician. Before entering politics, he worked as a marine engineer for Tavir Ferries. He married the painter Ilse Marn in 1996.

[3] Tavir Ferries (valid 2020-01-01 to present)
Tavir Ferries AB is a shipping company. The company was established in 1952 and is headquartered in Orlenhaven. Its fleet consists of 14 vessels. The chief executive officer is Dagny Rell.

[4] Lake Tavir (valid 2020-01-01 to present)
Lake Tavir is the largest lake of the Marrow Basin, with a surface area of 612 square kilometres. Its maximum depth is 186 metres. The river Sunne drains the lake towards the Grey Sea.`;

describe('reader on other prose', () => {
  it.each([
    ['When was Orlenhaven founded?', '1384'],
    ['Who founded Orlenhaven?', 'fishermen'],
    ['How many inhabitants does Orlenhaven have?', '214,560'],
    ['Where is the Orlenhaven Observatory located?', 'Beacon Hill'],
    ['Where was Halvard Quist born?', 'Seltby'],
    ['Who did Halvard Quist marry?', 'Ilse Marn'],
    ['What did Halvard Quist work as before politics?', 'marine engineer'],
    ['Where is Tavir Ferries headquartered?', 'Orlenhaven'],
    ['How many vessels are in the Tavir Ferries fleet?', '14'],
    ['Who is the chief executive officer of Tavir Ferries?', 'Dagny Rell'],
    ['What is the surface area of Lake Tavir?', '612 square kilometres'],
    ['How deep is Lake Tavir?', '186 metres'],
    ['Which river drains Lake Tavir?', 'Sunne'],
    ['Lake Tavir is the largest lake of which basin?', 'Marrow Basin'],
  ])('%s -> %s', async (q, a) => expect(await ask(q, PROSE)).toBe(a));

  it.each([
    'What is the population of Seltby?',
    'Who founded Tavir Ferries?',
    'What is the revenue of Tavir Ferries?',
    'Who designed the Orlenhaven Observatory?',
    'How many employees does Tavir Ferries have?',
  ])('abstains: %s', async (q) => expect(await ask(q, PROSE)).toBe("I don't know"));
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

/** Real-prose failure modes of the earlier reader (issue 9). */
describe('reader on structured and real-world text', () => {
  const KB = `[1] Support handbook (valid 2020-01-01 to present)
Payments & Billing
Lead: Teodor Vasile
The team answers invoices within four weeks.
Despite the backlog, refunds are paid within 5 days.

[2] Gamvik (municipality) (valid 2020-01-01 to present)
Mayors
The mayors of Gamvik (incomplete list):
- 2019–present: Alf Normann Hansen (SV)
- 2015–2019: Trond Einar Olaussen (Ap)

[3] 1. FC Köln (valid 2020-01-01 to present)
1. FC Köln is a football club based in Cologne. Its head coach is Markus Gisdol.`;

  it('reads a heading and its line apart: the heading is not the answer', async () => {
    expect(await ask('Who leads Payments & Billing?', KB)).toBe('Teodor Vasile');
  });

  it('keeps the unit of a duration', async () => {
    expect(await ask('How long does the team take to answer invoices?', KB)).toBe('four weeks');
  });

  it('picks the list entry whose dates hold the asked date', async () => {
    expect(await ask('Who was the mayor of Gamvik?', KB, '2020-06-01')).toBe('Alf Normann Hansen');
    expect(await ask('Who was the mayor of Gamvik?', KB, '2017-06-01')).toBe('Trond Einar Olaussen');
  });

  it('matches a name written without its accents', async () => {
    expect(await ask('Who is the head coach of 1. FC Koln?', KB)).toBe('Markus Gisdol');
  });

  it('answers yes/no questions, negation included', async () => {
    const facts = `[1] QL (computer) (valid 2020-01-01 to present)
The QL was Sinclair's first 68008-based personal computer. It was not a success. Its operating system QDOS was a registered trademark.`;
    expect(await ask('Was the QL a personal computer?', facts)).toBe('Yes');
    expect(await ask('Was the QL a success?', facts)).toBe('No');
    expect(await ask('Is QDOS a registered trademark?', facts)).toBe('Yes');
    expect(await ask('Does Zorvania have a navy?', facts)).toBe("I don't know");
  });
});

describe('compound candidates', () => {
  const candidates = (question: string, context: string) => readCandidates(parseUserPrompt(prompt(question, context))).candidates.map((c) => c.text);
  const facts = `[1] Genocide studies (valid 2020-01-01 to present)
Jonassohn and Björnson examined the lack of a single definition. Edward Malloy was president of Notre Dame from 1987 to 2005.`;

  it('offers names listed together as one answer, the names alone too', () => {
    expect(candidates('What two writers examined the lack of a definition?', facts)).toEqual(expect.arrayContaining(['Jonassohn and Björnson', 'Jonassohn', 'Björnson']));
  });

  it('offers a range of years for "what years"', () => {
    expect(candidates('During what years was Edward Malloy president of Notre Dame?', facts)).toEqual(expect.arrayContaining(['1987 to 2005', '1987', '2005']));
  });
});

describe('context coverage (what the calibration reads)', () => {
  const contextCover = (question: string) => {
    const { candidates } = readCandidates(parseUserPrompt(prompt(question)));
    return candidates[0]!.x[FEATURES.indexOf('contextCover')]!;
  };

  it('is 1 when the context uses every question word, less when it lacks some', () => {
    expect(contextCover('Who founded Brakesk?')).toBe(1);
    // A question about an earthquake the context never mentions shares only "Brakesk" with it.
    const partial = contextCover('How many Brakesk homes did the earthquake destroy?');
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(0.7);
  });

  it('is the same for every candidate of a question (it says nothing about which span is right)', () => {
    const { candidates } = readCandidates(parseUserPrompt(prompt('How many Brakesk homes did the earthquake destroy?')));
    expect(new Set(candidates.map((c) => c.x[FEATURES.indexOf('contextCover')])).size).toBe(1);
  });
});

describe('reader model', () => {
  it('has one weight per feature, in the order the reader computes them', () => {
    expect(READER_MODEL.features).toEqual([...FEATURES]);
    expect(READER_MODEL.weights).toHaveLength(FEATURES.length);
    expect(READER_MODEL.threshold).toBeGreaterThan(0);
    expect(READER_MODEL.threshold).toBeLessThan(1);
  });
});
