/**
 * End-to-end grading table: what a careful human grader would say about each answer, next to
 * what the official SQuAD script says. Strict values are the official script's (including its
 * quirks: '15 km' strictly matches '1.5 km' because it deletes the decimal point), kept to show
 * why the lenient scorer exists. Freshness uses the lenient scorer as the primary one.
 */
import { describe, expect, it } from 'vitest';
import { createAbstentionDetector } from './abstention.js';
import { freshnessLabel, type FreshnessLabel } from './freshness.js';
import { type ScorableQuestion, scoreAnswer } from './score.js';

type Row = [q: ScorableQuestion, answer: string, em: number, f1: number, correct: boolean, freshness: FreshnessLabel | null, abstained: boolean];

const Q = {
  MAYOR: { question: 'Who is the mayor of Brodriavla?', category: 'static', answers: ['Krecia Kafusfem'] },
  OPENED: { question: 'When did the Orsk bridge open?', category: 'static', answers: ['16 June 1953'] },
  YEAR: { question: 'In what year did the Orsk bridge open?', category: 'static', answers: ['1953'] },
  MONTH: { question: 'In which month and year did the Orsk bridge open?', category: 'static', answers: ['June 1953'] },
  POP: { question: 'How many people live in Orsk?', category: 'static', answers: ['13,330'] },
  STATIONS: { question: 'How many stations does the Orsk metro have?', category: 'static', answers: ['12'] },
  TRIP: { question: 'How long is the trek to Vel Pass?', category: 'static', answers: ['two days'] },
  AGE: { question: 'How old was Ilse Varga when she won?', category: 'static', answers: ['21'] },
  TRACK: { question: 'How long is the Orsk race track?', category: 'static', answers: ['1.5 km'] },
  PERCENT: { question: 'What is the sales tax rate in Orsk?', category: 'static', answers: ['3.5%'] },
  HUNDRED: { question: 'How many rooms does the Grand Orsk hotel have?', category: 'static', answers: ['100'] },
  FERRY: { question: 'How long does the Orsk ferry crossing take?', category: 'updated', answers: ['2 hours'], staleAnswers: ['4 hours'] },
  HOURS: { question: 'What are the opening hours of the Orsk library?', category: 'static', answers: ['07:00-21:00'] },
  STADIUM: { question: 'How much did the Orsk stadium cost?', category: 'static', answers: ['$95 million'] },
  FEE: { question: 'What is the annual membership fee in euros?', category: 'static', answers: ['300'] },
  ARCHITECT: { question: 'Who designed the Orsk opera house?', category: 'static', answers: ['Hervé Leblanc'] },
  LINE: { question: 'Which railway line serves Vel?', category: 'static', answers: ['Orsk–Brodriavla line'] },
  HARBOUR: { question: 'Where is the Orsk lighthouse?', category: 'static', answers: ['Orsk harbour'] },
  EDITION: { question: 'Which edition of the Orsk festival was held in 2020?', category: 'static', answers: ['16th'] },
  RUNS: { question: 'Who runs the Orsk ferry?', category: 'updated', answers: ['Krecia Kafusfem'], staleAnswers: ['Odo Brant'] },
  JR: { question: 'Who chairs the Orsk council?', category: 'updated', answers: ['John Smith Jr.'], staleAnswers: ['John Smith'] },
  WINNER: { question: 'Who won the 2024 Orsk marathon?', category: 'new', answers: ['Ilse Varga'] },
  FARE: { question: 'What is the new Orsk ferry fare?', category: 'new', answers: ['€12'] },
  FESTIVAL: { question: 'Which city hosts the Orsk festival?', category: 'static', answers: ['Paris'] },
  RACE: { question: 'How long did the 2019 Orsk race take?', category: 'static', answers: ['2 hours'] },
  FIRST: { question: 'Who was the first mayor of Orsk?', category: 'unanswerable', answers: [] },
} satisfies Record<string, ScorableQuestion>;

// [question, answer, strict EM, strict F1 (2 dp), lenient correct, freshness, abstained]
const ROWS: Row[] = [
  [Q.MAYOR, 'The mayor of Brodriavla is Krecia Kafusfem.', 0, 0.5, true, null, false],
  [Q.MAYOR, 'Krecia Kafusfem', 1, 1, true, null, false],
  [Q.MAYOR, 'krecia kafusfem.', 1, 1, true, null, false],
  [Q.MAYOR, 'The answer is Krecia Kafusfem.', 0, 0.67, true, null, false],
  [Q.MAYOR, 'Answer: Krecia Kafusfem', 0, 0.8, true, null, false],
  [Q.MAYOR, 'Final answer: Krecia Kafusfem', 0, 0.67, true, null, false],
  [Q.MAYOR, "Based on the context, it's Krecia Kafusfem.", 0, 0.5, true, null, false],
  [Q.MAYOR, 'Krecia Kafusfem (since 2019)', 0, 0.67, true, null, false],
  [Q.MAYOR, 'Krecia', 0, 0.67, false, null, false],
  [Q.MAYOR, 'Odo Brant', 0, 0, false, null, false],
  [Q.OPENED, 'June 16, 1953', 0, 1, true, null, false],
  [Q.OPENED, '1953-06-16', 0, 0, true, null, false],
  [Q.OPENED, 'It opened on the 16th of June, 1953.', 0, 0.4, true, null, false],
  [Q.OPENED, '16/06/1953', 0, 0, true, null, false],
  [Q.OPENED, 'Jun. 16th 1953', 0, 0.33, true, null, false],
  [Q.OPENED, 'June 1953', 0, 0.8, false, null, false],
  [Q.OPENED, '17 June 1953', 0, 0.67, false, null, false],
  [Q.YEAR, 'It opened on June 16, 1953.', 0, 0.29, true, null, false],
  [Q.YEAR, 'Sometime in the 1950s', 0, 0, false, null, false],
  [Q.YEAR, '1953 or 1954', 0, 0.5, false, null, false],
  [Q.MONTH, '16 June 1953', 0, 0.8, true, null, false],
  [Q.POP, '13330', 1, 1, true, null, false],
  [Q.POP, 'About 13,330 people live there.', 0, 0.33, true, null, false],
  [Q.POP, '13\u202F330', 0, 0, true, null, false],
  [Q.POP, 'Around 13,000', 0, 0, false, null, false],
  [Q.STATIONS, 'twelve', 0, 0, true, null, false],
  [Q.STATIONS, 'There are twelve stations.', 0, 0, true, null, false],
  [Q.STATIONS, 'I believe it is 12.', 0, 0.33, true, null, false],
  [Q.STATIONS, '12 or 13', 0, 0.5, false, null, false],
  [Q.TRIP, '180 days', 0, 0.5, false, null, false],
  [Q.TRIP, '2 days', 0, 0.5, true, null, false],
  [Q.TRIP, 'It takes 2 days.', 0, 0.33, true, null, false],
  [Q.AGE, 'twenty-one', 0, 0, true, null, false],
  [Q.TRACK, 'The track is 1.5 km long.', 0, 0.57, true, null, false],
  [Q.TRACK, '15 km', 1, 1, false, null, false],
  [Q.PERCENT, '3.5 percent', 0, 0.67, true, null, false],
  [Q.PERCENT, '35%', 1, 1, false, null, false],
  [Q.HUNDRED, 'one hundred', 0, 0, true, null, false],
  [Q.FERRY, '8 hours', 0, 0.5, false, 'wrong', false],
  [Q.FERRY, '2 hours', 1, 1, true, 'current', false],
  [Q.FERRY, 'The crossing now takes two hours.', 0, 0.29, true, 'current', false],
  [Q.FERRY, '4 hours', 0, 0.5, false, 'stale', false],
  [Q.FERRY, 'It takes about four hours.', 0, 0.29, false, 'stale', false],
  [Q.FERRY, '2 or 3 hours', 0, 0.67, false, 'wrong', false],
  [Q.FERRY, 'I do not know.', 0, 0, false, 'missing', true],
  [Q.HOURS, 'It opens 07:00–21:00.', 0, 0, true, null, false],
  [Q.HOURS, '7:00 – 21:00', 0, 0, true, null, false],
  [Q.HOURS, '07:00–22:00', 0, 0, false, null, false],
  [Q.STADIUM, '$42 million', 0, 0.5, false, null, false],
  [Q.STADIUM, '95 million dollars', 0, 0.8, true, null, false],
  [Q.STADIUM, 'It cost US$95 million.', 0, 0.33, true, null, false],
  [Q.STADIUM, '$95,000,000', 0, 0, true, null, false],
  [Q.FEE, '€300', 0, 0, true, null, false],
  [Q.FEE, '300 euros', 0, 0.67, true, null, false],
  [Q.FEE, '€3,000', 0, 0, false, null, false],
  [Q.ARCHITECT, 'Herve Leblanc', 0, 0.5, true, null, false],
  [Q.ARCHITECT, 'HERVÉ LEBLANC designed it.', 0, 0.67, true, null, false],
  [Q.ARCHITECT, 'Hervé Lebrun', 0, 0.5, false, null, false],
  [Q.LINE, 'the Orsk-Brodriavla line', 0, 0.5, true, null, false],
  [Q.HARBOUR, "Orsk's harbour", 0, 0.5, true, null, false],
  [Q.EDITION, 'It was the sixteenth edition.', 0, 0, true, null, false],
  [Q.RUNS, 'It was run by Odo Brant until 2021.', 0, 0, false, 'stale', false],
  [Q.RUNS, 'Odo Brant runs it.', 0, 0, false, 'stale', false],
  [Q.RUNS, 'Krecia Kafusfem runs the Orsk ferry.', 0, 0.57, true, 'current', false],
  [Q.RUNS, 'Ilse Varga', 0, 0, false, 'wrong', false],
  [Q.RUNS, "I'm sorry, but I don't know.", 0, 0, false, 'missing', true],
  [Q.JR, 'John Smith Jr.', 1, 1, true, 'current', false],
  [Q.JR, 'John Smith', 0, 0.8, false, 'stale', false],
  [Q.WINNER, 'Ilse Varga won it.', 0, 0.67, true, 'current', false],
  [Q.WINNER, "I'm not sure.", 0, 0, false, 'missing', true],
  [Q.WINNER, 'Odo Brant', 0, 0, false, 'wrong', false],
  [Q.WINNER, 'There is no information about the winner in the provided context.', 0, 0, false, 'missing', true],
  [Q.FARE, 'twelve euros', 0, 0, true, 'current', false],
  [Q.FARE, '€15', 0, 0, false, 'wrong', false],
  [Q.FESTIVAL, 'Either Paris or Lyon', 0, 0.4, false, null, false],
  [Q.FESTIVAL, 'Paris, or possibly Lyon.', 0, 0.4, false, null, false],
  [Q.FESTIVAL, 'Lyon or Paris', 0, 0.5, false, null, false],
  [Q.FESTIVAL, 'It is held in Paris.', 0, 0.33, true, null, false],
  [Q.FESTIVAL, 'The context does not provide this information.', 0, 0, false, null, true],
  [Q.FESTIVAL, 'N/A', 0, 0, false, null, true],
  [Q.RACE, 'The 2019 race took 2 hours.', 0, 0.57, true, null, false],
  [Q.FIRST, "I don't know.", 1, 1, true, null, true],
  [Q.FIRST, 'Not mentioned in the text.', 1, 1, true, null, true],
  [Q.FIRST, 'Unknown', 1, 1, true, null, true],
  [Q.FIRST, 'It is not possible to determine from the context.', 1, 1, true, null, true],
  [Q.FIRST, 'Krecia Kafusfem', 0, 0, false, null, false],
  [Q.FIRST, 'The first mayor was Odo Brant.', 0, 0, false, null, false],
];

const isAbstention = createAbstentionDetector();

describe('scoring table', () => {
  it('has at least 70 rows', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(70);
  });
  const cases = ROWS.map(([q, answer, em, f1, correct, freshness, abstained]) => ({
    name: `${q.question} ← ${JSON.stringify(answer)}`,
    q,
    answer,
    expected: { em, f1, correct, freshness, abstained },
  }));
  it.each(cases)('$name', ({ q, answer, expected }) => {
    const s = scoreAnswer(q, answer, isAbstention);
    const label = freshnessLabel(q.category, { error: false, abstained: s.abstained, correct: s.lenient.correct, matchesStale: s.lenient.matchesStale });
    expect({
      em: s.strict.exactMatch,
      f1: Math.round(s.strict.f1 * 100) / 100,
      correct: s.lenient.correct,
      freshness: label,
      abstained: s.abstained,
    }).toEqual(expected);
  });
});
