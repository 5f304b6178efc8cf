import { describe, expect, it } from 'vitest';
import { createAbstentionDetector, DEFAULT_ABSTENTION_PATTERNS } from './abstention.js';

const isAbstention = createAbstentionDetector();

const REFUSALS = [
  "I don't know",
  'I do not know.',
  "I'm sorry, but I don't know.",
  'I’m sorry, but I don’t know.',
  "I'm not sure.",
  'I am unable to answer',
  'I am unable to answer that question based on the provided context.',
  'I cannot answer that',
  "I can't determine the founding year from the passage.",
  'The context does not provide this information.',
  "The provided context doesn't mention who the mayor is.",
  'There is no information about the mayor in the context.',
  'No information is available',
  'The founding date cannot be determined from the text.',
  'It is not possible to determine the answer.',
  'Not enough information',
  'Insufficient information',
  'N/A',
  'n/a',
  'Unknown',
  'Unknown.',
  'None',
  'No answer',
  'Unanswerable',
  'I have no information on that topic.',
  "I don't have enough information to answer.",
  "As an AI, I don't have access to real-time data.",
  "Sorry, I can't help with that",
  'The text does not say',
  'This is not mentioned in the context',
  'Not specified',
  'Not stated',
  'No data',
  '"I don\'t know."',
  '**Unknown**',
  'Unfortunately, the passage does not specify the year.',
  'Based on the context, I cannot determine the answer.',
  'According to the provided documents, there is no mention of a mayor.',
  "I couldn't find that in the documents.",
  'I have no idea.',
  "I'm not certain.",
  'Not mentioned in the text.',
  'The context provides no information on the opening hours.',
  'This information is not available in the context.',
  'The answer is not in the context.',
  'Answer not found in the context.',
  "There's not enough information in the passage.",
  'It is unclear from the context.',
  "The documents don't contain the answer.",
  'Nothing in the passage mentions the mayor.',
  'The question cannot be answered from the context.',
  'The passage does not mention when the bridge opened.',
  "The mayor's name isn't stated in the passage.",
  'I apologize, but I cannot provide that information.',
  'Not applicable',
  'NA',
];

const ANSWERS = [
  'Known as the Iron Duke',
  'No. 10 Downing Street',
  'Not Out (cricket score)',
  'Unknown Pleasures',
  "None of the above was the band's second album",
  'Nobody Knows (song)',
  'Knowing Me, Knowing You',
  'No Doubt',
  'Notre-Dame',
  'Norway',
  'The Unknown Soldier',
  'In the know',
  '2 or more not counting the captain',
  'There is no speed limit on the Autobahn',
  'I Know Him So Well',
  'Unknown Mortal Orchestra',
  'Na (sodium)',
  'Nonetheless, Paris',
  'Notting Hill',
  'Knowledge is power',
  'Not until 1953',
  'No one knows for sure, but historians say 1953',
  'No, the bridge was never completed',
  'None — the race was cancelled in 2020',
  'Unknown artist, 14th century',
  'There is no information desk; tickets are sold online',
  'Krecia Kafusfem',
  'The context says Krecia Kafusfem.',
  'It is 300 euros.',
  "I'm not sure, but I think it is Paris.",
  'The context does not say, but it is probably 1953.',
  "I don't know exactly, but my best guess is 1953.",
  'Nothing Compares 2 U',
  'Not specified by the treaty; the border was fixed in 1953',
  'No Country for Old Men',
  'Nowhere Man',
  'The Known World',
  'None but the Lonely Heart',
  'Unknowingly, in 1953',
  'Noel Gallagher',
  'Nine Inch Nails',
  'Not Fade Away',
  'No More Heroes',
  'No Time to Die',
  'Sorry (Justin Bieber song)',
  'Unfortunate Events',
  'The Never Ending Story',
  'Data from 1953',
  'The information desk in Orsk',
  'The context window of 2048 tokens',
  'I know that it is 12.',
];

describe('createAbstentionDetector (defaults)', () => {
  it('has at least 45 refusals and 45 answers in this table', () => {
    expect(REFUSALS.length).toBeGreaterThanOrEqual(45);
    expect(ANSWERS.length).toBeGreaterThanOrEqual(45);
  });
  it.each(REFUSALS)('flags refusal %j', (a) => {
    expect(isAbstention(a)).toBe(true);
  });
  it.each(ANSWERS)('does not flag answer %j', (a) => {
    expect(isAbstention(a)).toBe(false);
  });
  it.each(DEFAULT_ABSTENTION_PATTERNS.map((p) => [p.example, p.pattern] as const))('documented example %j is caught', (example, pattern) => {
    expect(isAbstention(example)).toBe(true);
    expect(pattern.test(example.toLowerCase().replace(/’/g, "'").replace(/[.!?]+$/, ''))).toBe(true);
  });
  it('never treats empty output as an abstention (the caller records an `empty` error)', () => {
    expect(isAbstention('')).toBe(false);
    expect(isAbstention('   \n\t')).toBe(false);
  });
  it('takes a position on known edge cases', () => {
    // A title starting with a refusal phrase is flagged: indistinguishable from text alone.
    expect(isAbstention("I Don't Know How But They Found Me")).toBe(true);
    expect(isAbstention('The cause of death could not be determined.')).toBe(true);
  });
});

describe('createAbstentionDetector (config patterns)', () => {
  it('adds user patterns, case-insensitive, on the normalized answer', () => {
    const detect = createAbstentionDetector(['^pass$', 'keine ahnung']);
    expect(detect('PASS.')).toBe(true);
    expect(detect('Keine Ahnung!')).toBe(true);
    expect(detect('Passau')).toBe(false);
    expect(detect("I don't know")).toBe(true);
    expect(createAbstentionDetector()('pass')).toBe(false);
  });
  it('user patterns win over the refusal-then-guess exception', () => {
    const detect = createAbstentionDetector(["^i'm not sure"]);
    expect(detect("I'm not sure, but I think it is Paris.")).toBe(true);
  });
  it('rejects an invalid regex with a message naming it', () => {
    expect(() => createAbstentionDetector(['(unclosed'])).toThrow(/"\(unclosed" is an invalid regular expression/);
    expect(() => createAbstentionDetector(['ok', '[z-a]'])).toThrow(Error);
  });
});
