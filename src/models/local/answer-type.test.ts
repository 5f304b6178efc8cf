import { describe, expect, it } from 'vitest';
import { coordinatedNames, detectAnswerType, extractAgentPhrases, extractCopulaPhrases, extractDecades, extractNumberWords, extractDates, extractMonthYears, extractNames, extractNumbers, extractYears, isCategoryNoun, nameTypeFit } from './answer-type.js';
import { concept, countTokens, fold, splitSentences, stem, tokenize } from './text.js';

const texts = (spans: { text: string }[]) => spans.map((s) => s.text);

describe('detectAnswerType', () => {
  it.each([
    ['When was Brakesk founded?', 'DATE'],
    ['On what date did the bridge open?', 'DATE'],
    ['In what year was the Tharn Mill built?', 'YEAR'],
    ['What year did Vesiamor join the league?', 'YEAR'],
    ['How many people live in Brakesk?', 'NUMBER'],
    ['How tall is Mount Kroun?', 'NUMBER'],
    ['What is the population of Brakesk today?', 'NUMBER'],
    ['Who founded Tharn Mill?', 'PERSON'],
    ['What is the name of the mayor of Brakesk?', 'PERSON'],
    ['Who is the current CEO of Vesiamor Shipping?', 'PERSON'],
    ['Where is Vesiamor Shipping headquartered?', 'PLACE'],
    ['Which city is the capital of Veltrana?', 'PLACE'],
    ['What is the capital of Veltrana?', 'PLACE'],
    ['Which company owns the Tharn Mill?', 'ORG'],
    ['What organization runs the port?', 'ORG'],
    ['What is the main export of Veltrana?', 'ANY'],
    ['What language is spoken in Brakesk?', 'ANY'],
  ])('%s -> %s', (q, type) => expect(detectAnswerType(q)).toBe(type));


  it('decides by the first wh-word or imperative, not a later one', () => {
    expect(detectAnswerType('Which city plays host when the festival is held?')).toBe('PLACE');
    expect(detectAnswerType('The Kestu Festival dates back to which year, when it was first held?')).toBe('YEAR');
    expect(detectAnswerType('Tell me how many employees Tharn Works reports.')).toBe('NUMBER');
    expect(detectAnswerType('Name the mayor of Brakesk.')).toBe('PERSON');
    expect(detectAnswerType('Give the date the Fevir was launched.')).toBe('DATE');
    expect(detectAnswerType('Which mountaineer first reached the summit?')).toBe('PERSON');
    expect(detectAnswerType('What is the most recent attendance figure for the fair?')).toBe('NUMBER');
  });

  it('knows category nouns, which name a kind of answer rather than the fact', () => {
    expect(['city', 'years', 'vessel', 'region'].every(isCategoryNoun)).toBe(true);
    expect(['population', 'mayor', 'export'].some(isCategoryNoun)).toBe(false);
  });
});

describe('span extractors', () => {
  it('finds dates in three formats, and month-year apart from them', () => {
    const t = 'It opened on 14 March 2027, closed March 14, 2029, reopened 2030-01-05 and moved in June 2031.';
    expect(texts(extractDates(t))).toEqual(['14 March 2027', 'March 14, 2029', '2030-01-05']);
    expect(texts(extractMonthYears(t))).toEqual(['June 2031']);
  });

  it('finds years, including those inside dates, but not parts of larger numbers', () => {
    expect(texts(extractYears('Founded in 1821, rebuilt on 3 May 1990; 12,2001 and 2019.5 and 1,999 are not years.'))).toEqual(['1821', '1990']);
  });

  it('finds numbers with separators, decimals, currency, scale and units; skips dates', () => {
    const t = 'On 14 March 2027 it had 1,250,000 residents, a budget of $4.5 million, 12% unemployment, a 450 km coast and 3.5 ha parks.';
    expect(texts(extractNumbers(t))).toEqual(['1,250,000', '$4.5 million', '12%', '450 km', '3.5 ha']);
  });

  it('finds capitalized names with connectors, without sentence-initial function words or titles', () => {
    const t = 'The Bank of Veltrana hired Mayor Piet van Dijk and Ana Okonkwo-Lind in Morvik in May 2030.';
    const names = extractNames(t);
    expect(texts(names)).toEqual(['Bank of Veltrana', 'Piet van Dijk', 'Ana Okonkwo-Lind', 'Morvik']);
    expect(names[1]!.titled).toBe(true);
    expect(names[3]!.locative).toBe(true);
  });

  it('takes the noun phrase across the copula from the question words', () => {
    const q = new Set(['main', 'export', 'veltrana']);
    const run = (t: string) => {
      const tokens = tokenize(t);
      return texts(extractCopulaPhrases(t, tokens, (i) => q.has(tokens[i]!.lower)));
    };
    expect(run('The main export of Veltrana is copper ore, which ships from Morvik.')).toEqual(['copper ore']);
    expect(run('Copper ore is the main export of Veltrana.')).toEqual(['Copper ore']);
  });
});

describe('phrase extractors', () => {
  const run = (t: string, words: string[], fn: typeof extractAgentPhrases) => {
    const tokens = tokenize(t);
    return texts(fn(t, tokens, (i) => words.includes(tokens[i]!.lower)));
  };

  it('finds passive agents, also a few words after the participle', () => {
    expect(run('Orlenhaven was founded by fishermen in 1384.', ['founded'], extractAgentPhrases)).toEqual(['fishermen']);
    expect(run('The club was formed on 9 May 1903 by a group of railway workers.', ['formed'], extractAgentPhrases)).toEqual(['group of railway workers']);
    expect(run('Clouds hide the summit by midday.', ['summit'], extractAgentPhrases)).toEqual([]);
  });

  it('keeps a final two-item list and stops at a prepositional phrase', () => {
    expect(run('Its main industries are shipbuilding and fishing.', ['main', 'industries'], extractCopulaPhrases)).toEqual(['shipbuilding and fishing']);
    expect(run('He worked as a marine engineer for Tavir Ferries.', ['worked'], extractCopulaPhrases)).toEqual(['marine engineer']);
  });

  it('finds counts written as words', () => {
    expect(texts(extractNumberWords('The team has won the league seven times.'))).toEqual(['seven']);
  });

  it('keeps the unit of a count written as a word, and of a number', () => {
    expect(texts(extractNumberWords('The strike lasted four weeks.'))).toEqual(['four weeks']);
    expect(texts(extractNumbers('It had 2300 transistors and 46 instructions.'))).toEqual(['2300 transistors', '46 instructions']);
  });

  it('keeps a bound before a number with it ("at least", "over")', () => {
    expect(texts(extractNumbers('Montana has at least 3,223 named lakes and over 57,000 veterans, not 12.'))).toEqual(['at least 3,223', 'over 57,000', '12']);
    expect(texts(extractNumberWords('Mass is held about four times a week.'))).toEqual(['about four']);
  });

  it('joins names listed with "and", commas or a dash into one run, and leaves other names apart', () => {
    const run = (t: string) => {
      const tokens = tokenize(t);
      const names = extractNames(t, tokens);
      return coordinatedNames(names, tokens).map(({ first, last }) => t.slice(tokens[first]!.start, tokens[last]!.end));
    };
    expect(run('The Jefferson, Madison and Gallatin rivers form the Missouri.')).toEqual(['Jefferson, Madison and Gallatin']);
    expect(run('It was Jonassohn and Björnson who wrote on it, as the Luria–Delbrück test showed.')).toEqual(['Jonassohn and Björnson', 'Luria–Delbrück']);
    expect(run('Kim Lundgren met Jim Jonsin in Atlanta.')).toEqual([]);
  });

  it('finds decades', () => {
    expect(texts(extractDecades('Built in the 1050s, rebuilt in the 1960s and 1970s, not in 1969.'))).toEqual(['1050s', '1960s', '1970s']);
  });

  it('keeps a model or standard number with a name, but not a year', () => {
    expect(texts(extractNames('Ethernet is specified as IEEE 802.3 by Intel 4004 fans in Paris 1924.'))).toEqual(['Ethernet', 'IEEE 802.3', 'Intel 4004', 'Paris']);
  });

  it('keeps initials inside names', () => {
    expect(texts(extractNames('The mayor was Svein O. Leiros until 2019.'))).toEqual(['Svein O. Leiros']);
  });

  it('does not take an event or a place after "in" for a person', () => {
    const battle = extractNames('Harold II was killed at the Battle of Hastings.');
    expect(nameTypeFit(battle.find((n) => n.text === 'Battle of Hastings')!, tokenize('Harold II was killed at the Battle of Hastings.'), 'PERSON')).toBeLessThan(0.3);
    const t = 'The company is headquartered in Orlenhaven.';
    expect(nameTypeFit(extractNames(t)[0]!, tokenize(t), 'PERSON')).toBeLessThan(0.3);
  });
});

describe('text primitives', () => {
  it('folds accents for comparison, keeping the word as written', () => {
    expect(fold('Köln Hervé')).toBe('Koln Herve');
    const [t] = tokenize('Köln');
    expect([t!.text, t!.key]).toEqual(['Köln', 'koln']);
    // Irregular verb forms compare as their base form.
    expect(new Set(tokenize('wrote written write').map((x) => x.key)).size).toBe(1);
  });

  it('stems inflections of one word alike, and groups a few synonyms', () => {
    expect(new Set(['found', 'founded', 'founding'].map(stem)).size).toBe(1);
    expect(new Set(['founded', 'founder', 'established'].map((w) => concept(stem(w)))).size).toBe(1);
    expect(stem('married')).toBe(stem('marry'));
    expect(stem('posters')).not.toBe(stem('post'));
    expect(stem('cities')).toBe(stem('city'));
    expect(stem('populated')).toBe(stem('population'));
  });

  it('splits sentences but not at abbreviations or initials', () => {
    expect(splitSentences('Dr. Ana Ruiz was born in 1970. J. K. Vell wrote it! Then it ended.')).toEqual([
      'Dr. Ana Ruiz was born in 1970.',
      'J. K. Vell wrote it!',
      'Then it ended.',
    ]);
  });

  it('counts words and punctuation as tokens', () => {
    // Hello , world ! It ' s 2027 .
    expect(countTokens("Hello, world! It's 2027.")).toBe(9);
    expect(countTokens('')).toBe(0);
  });
});
