/**
 * Refusal ("I don't know") detection for free-form answers.
 *
 * Why this matters: unanswerable questions are scored correct only when the model abstains,
 * and an answerable question's abstention is reported as `missing`, not `wrong`. Chat models
 * refuse in dozens of wordings, but answers also legitimately contain "know", "no", "not",
 * "unknown", "none" ("Unknown Pleasures", "No. 10 Downing Street"). So the detector only fires on:
 *
 * 1. refusal phrases anchored at the START of the answer, optionally after an apology or
 *    attribution prefix ("I'm sorry, but", "Sorry,", "Unfortunately,", "As an AI,",
 *    "Based on the context,"): "I don't know", "I cannot answer", "There is no information";
 * 2. the WHOLE answer being a bare refusal token: "N/A", "Unknown", "None", "No answer";
 * 3. a few sentence patterns anywhere in the first sentence: "... is not mentioned in the
 *    context", "... cannot be determined".
 *
 * Matching runs on a lightly normalized answer: trimmed, lowercased, curly apostrophes folded,
 * wrapping quotes/asterisks and trailing punctuation dropped.
 *
 * Positions taken on edge cases:
 * - Empty or whitespace-only output is NOT an abstention: the caller records it as an error of
 *   kind `empty` (a broken model call must not earn credit on unanswerable questions).
 * - A refusal followed by a guess ("I'm not sure, but I think it is Paris", "The context does
 *   not say, but it is probably 1953") is an ANSWER: the model committed to a value.
 * - "There is no X" is a refusal only when X is information/data/details/mention/record/answer
 *   ("There is no speed limit on the Autobahn" is an answer).
 * - Sentences such as "The cause of death could not be determined" are read as refusals even
 *   though they can be a factual answer; such gold answers are rare in a RAG benchmark.
 * - Titles that start with a refusal phrase ("I Don't Know How But They Found Me", the band)
 *   are flagged. Accepted: there is no way to tell from the text alone.
 * - "None" / "Unknown" alone are refusals; anything after them ("None of the above was the
 *   band's second album", "Unknown Pleasures") makes it an answer.
 */

export interface AbstentionPattern {
  pattern: RegExp;
  /** A refusal this pattern catches (checked by the tests). */
  example: string;
}

// Optional prefixes before an anchored refusal. Repeatable: "Unfortunately, based on the context, ...".
const PREFIX =
  "(?:(?:(?:i'm|i am|i'm very|i am very|i'm so) sorry|sorry|unfortunately|i apologi[sz]e|apologies|as an ai(?: language model| assistant)?|" +
  '(?:based on|according to|from|given) (?:the |this )?(?:provided |given |above |available )?(?:context|text|passage|documents?|information|sources?))' +
  '[,.!:]?(?: but)?,? )*';
const SOURCE = '(?:provided |given |above |available |supplied )?(?:context|text|passage|document|documents|article|sources?|information|excerpts?|materials?)';
const I_NEG = "i (?:do not|don't|dont|really don't|did not|didn't)";
const I_CANT = "(?:i |we )?(?:cannot|can't|cant|can not|could not|couldn't|am unable to|'m unable to|am not able to|'m not able to|unable to|was unable to|was not able to)";
const INFO = '(?:information|info|data|details|mention|record|records|answer|indication|evidence|knowledge)';

// What may follow INFO in "there is no information ...": keeps "no information desk" an answer.
const INFO_END = '(?=$|[,;:]| (?:about|on|regarding|concerning|in|available|provided|given|that|to|as|for|of|here|which|whatsoever|yet)\\b)';

const anchored = (body: string) => new RegExp(`^${PREFIX}${body}`);

export const DEFAULT_ABSTENTION_PATTERNS: readonly AbstentionPattern[] = [
  { pattern: anchored(`${I_NEG} know\\b`), example: "I'm sorry, but I don't know." },
  { pattern: anchored("(?:i'm|i am|im) not (?:sure|certain|aware)\\b"), example: "I'm not sure." },
  { pattern: anchored('i have no (?:idea|clue)\\b'), example: 'I have no idea.' },
  {
    pattern: anchored(`${I_CANT} (?:answer|determine|find|say|tell|provide|help|identify|locate|confirm|know|be sure|give|access|verify|respond)\\b`),
    example: 'I am unable to answer that question.',
  },
  { pattern: anchored(`(?:${I_NEG} have|i have no|i lack) (?:(?:enough|sufficient|any|the|that|this|specific|relevant|such|reliable|up-to-date|current|real-time) )*(?:${INFO}|access|context)\\b`), example: "As an AI, I don't have access to that information." },
  { pattern: anchored(`(?:there is|there's|there are|there was) (?:no|not enough|insufficient) (?:(?:relevant|specific|such|further|additional|available) )*${INFO}${INFO_END}`), example: 'There is no information about the founding date.' },
  { pattern: anchored(`(?:there is |there's |i have |we have )?(?:not enough|insufficient|not sufficient|too little) (?:${INFO}|context)\\b`), example: 'Not enough information.' },
  { pattern: anchored(`no (?:(?:relevant|specific|such|further|additional|available) )*(?:information|info|data|details|answer)(?: (?:is|was|are|were) )?(?:$|(?:available|provided|given|found|mentioned|in|on|about|regarding)\\b)`), example: 'No information is available.' },
  { pattern: anchored(`(?:the |this |that )?${SOURCE} (?:does not|doesn't|do not|don't|did not|didn't|fails to|does not seem to|doesn't seem to) (?:provide|mention|say|state|contain|specify|include|give|indicate|tell|offer|have|discuss|address|answer|reveal|list|name|identify)\\b`), example: "The provided context doesn't mention the mayor." },
  { pattern: anchored(`(?:the |this |that )?${SOURCE} (?:provides|gives|contains|has|offers|includes|mentions|says) (?:no|nothing)\\b`), example: 'The context provides no information on this.' },
  { pattern: anchored(`(?:it is|it's|it was) (?:not possible|impossible|unclear|not clear|difficult|hard) to (?:determine|say|tell|know|answer|identify|find|establish|confirm)\\b`), example: 'It is not possible to determine the answer.' },
  { pattern: anchored('(?:it is|it\'s) (?:unknown|unclear|not known|not clear)\\b'), example: 'It is unclear from the context.' },
  { pattern: anchored(`(?:the |this |that |such )?(?:requested |relevant |specific )?(?:information|answer|detail|details|data) (?:is|was|are|were) (?:not|unavailable|unknown)\\b`), example: 'This information is not available.' },
  { pattern: anchored(`answer not (?:found|available|provided|given|known|in)\\b`), example: 'Answer not found in the context.' },
  { pattern: anchored(`nothing in the ${SOURCE}\\b`), example: 'Nothing in the passage mentions it.' },
  { pattern: anchored(`(?:the )?question (?:is|cannot be|can't be) (?:unanswerable|answered)\\b`), example: 'The question is unanswerable.' },
  // Whole answer is a bare refusal token (with an optional "in the context" tail).
  {
    pattern: new RegExp(
      `^${PREFIX}(?:n/a|n\\.a|na|unknown|none|nil|null|idk|no answer|no data|no idea|unanswerable|not answerable|cannot answer|can't answer|cannot say|can't say|unclear|not known|no comment|` +
        `not (?:specified|stated|mentioned|provided|given|available|applicable|disclosed|indicated|known|found|included))(?: (?:in|by|from) (?:the )?${SOURCE})?$`,
    ),
    example: 'N/A',
  },
  // Sentence patterns anywhere in the first sentence.
  { pattern: new RegExp(`^[^.!?]*\\b(?:is|was|are|were|isn't|wasn't|aren't) not (?:mentioned|stated|specified|given|provided|included|found|available|present|discussed|indicated|covered|listed) (?:in|by) (?:the |this |that |any )?${SOURCE}`), example: 'This is not mentioned in the context.' },
  { pattern: new RegExp(`^[^.!?]*\\b(?:isn't|aren't|wasn't) (?:mentioned|stated|specified|given|provided|included) (?:in|by) (?:the |this |that |any )?${SOURCE}`), example: "The date isn't stated in the passage." },
  { pattern: /^[^.!?]*\b(?:cannot|can't|can not|could not|couldn't) be (?:determined|answered|found|known|inferred|established|identified|confirmed|deduced|ascertained)\b/, example: 'The exact date cannot be determined.' },
];

// A refusal followed by a committed guess is an answer (see the file comment).
const GUESS_AFTER_REFUSAL =
  /\b(?:but|however)\b,? (?:i (?:think|believe|guess|suspect|would say|would guess)|it (?:is|was|'s) (?:probably|likely|possibly|most likely)|(?:probably|likely|most likely)\b|my (?:best )?guess (?:is|would be))/;

/** Trim, lowercase, fold curly apostrophes, drop wrapping quotes/markup and trailing punctuation. */
export function normalizeForAbstention(answer: string): string {
  return answer
    .trim()
    .toLowerCase()
    .replace(/[\u2018\u2019\u02BC]/g, "'")
    .replace(/^["'*_`\s]+|["'*_`\s]+$/g, '')
    .replace(/[\s.!?…]+$/u, '')
    .replace(/\s+/g, ' ');
}

/**
 * Builds a detector from the defaults plus user regexes (config `scoring.abstentionPatterns`),
 * compiled case-insensitive and tested against the normalized answer (so write them in lower
 * case without trailing punctuation). A user pattern that matches always counts, even when a
 * guess follows. Throws on an invalid regex, naming the pattern.
 */
export function createAbstentionDetector(extraPatterns: readonly string[] = []): (answer: string) => boolean {
  const extra = extraPatterns.map(compileUserPattern);
  return (answer: string) => {
    const a = normalizeForAbstention(answer);
    if (a === '') return false;
    // User patterns are explicit, so they win even over the refusal-then-guess exception.
    if (extra.some((re) => re.test(a))) return true;
    return !GUESS_AFTER_REFUSAL.test(a) && DEFAULT_ABSTENTION_PATTERNS.some((p) => p.pattern.test(a));
  };
}

function compileUserPattern(source: string): RegExp {
  try {
    return new RegExp(source, 'i');
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`scoring.abstentionPatterns: ${JSON.stringify(source)} is an invalid regular expression (${reason})`);
  }
}
