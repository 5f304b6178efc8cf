/**
 * BERT basic tokenization, written to agree token for token with what transformers.js 2.17 does
 * for a tokenizer.json with BertNormalizer + BertPreTokenizer + WordPiece (see tokenizerJson()).
 * Train time (vocabulary, co-occurrence, IDF) and query time must see the same words, or the
 * trained rows would never be looked up. A test checks the agreement through the real tokenizer.
 */

export const PAD = '[PAD]';
export const UNK = '[UNK]';
export const CLS = '[CLS]';
export const SEP = '[SEP]';
export const MASK = '[MASK]';
/** Ids 0..4, in this order, in every vocabulary we build. */
export const SPECIAL_TOKENS = [PAD, UNK, CLS, SEP, MASK] as const;

/** WordPiece maps longer words (counted in code points) to [UNK]; we keep them out of the vocabulary. */
export const MAX_INPUT_CHARS_PER_WORD = 100;

// Same character class as transformers.js (and the Rust tokenizers): Unicode P plus ASCII symbols.
const PUNCTUATION = '\\p{P}\\u0021-\\u002F\\u003A-\\u0040\\u005B-\\u0060\\u007B-\\u007E';
const PRE_TOKEN = new RegExp(`[^\\s${PUNCTUATION}]+|[${PUNCTUATION}]`, 'gu');
const CONTROL = /^\p{Cc}|\p{Cf}|\p{Co}|\p{Cs}$/u; // sic: copied with its precedence quirk, to agree
const WHITESPACE = /^\s$/;
// transformers.js splits the raw text on added (special) tokens before normalizing.
const SPECIAL_SPLIT = new RegExp(`(${SPECIAL_TOKENS.map((t) => t.replace(/[[\]]/g, '\\$&')).join('|')})`);
const SPECIAL_SET: ReadonlySet<string> = new Set(SPECIAL_TOKENS);

function isCjk(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/** Drops control characters, maps whitespace to ' ' (BertNormalizer clean_text). */
function cleanText(text: string): string {
  let out = '';
  for (const ch of text) {
    // charCodeAt, not codePointAt: transformers.js looks at the first UTF-16 unit.
    const cu = ch.charCodeAt(0);
    if (cu === 0 || cu === 0xfffd) continue;
    if (ch !== '\t' && ch !== '\n' && ch !== '\r' && CONTROL.test(ch)) continue;
    out += WHITESPACE.test(ch) ? ' ' : ch;
  }
  return out;
}

/** Puts spaces around CJK ideographs, per UTF-16 unit like transformers.js. */
function spaceCjk(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    out += isCjk(ch.charCodeAt(0)) ? ` ${ch} ` : ch;
  }
  return out;
}

/** BertNormalizer with clean_text, handle_chinese_chars, lowercase and (implied) strip_accents. */
export function bertNormalize(text: string): string {
  const lower = spaceCjk(cleanText(text)).toLowerCase();
  return lower.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

/** BertPreTokenizer: runs of non-space non-punctuation, and single punctuation characters. */
export function bertPreTokenize(normalized: string): string[] {
  return normalized.trim().match(PRE_TOKEN) ?? [];
}

/**
 * The words transformers.js will look up for `text`, special-token literals excluded
 * (they become special tokens, whose embedding rows are zero).
 */
export function basicTokenize(text: string): string[] {
  const words: string[] = [];
  for (const section of text.split(SPECIAL_SPLIT)) {
    if (!section || SPECIAL_SET.has(section)) continue;
    const normalized = bertNormalize(section);
    if (normalized.length === 0) continue;
    for (const w of bertPreTokenize(normalized)) words.push(w);
  }
  return words;
}

/** Whether WordPiece can return `word` whole (it turns longer words into [UNK]). */
export function isVocabularyWord(word: string): boolean {
  let n = 0;
  for (const _ of word) if (++n > MAX_INPUT_CHARS_PER_WORD) return false;
  return n > 0;
}

/**
 * tokenizer.json for a whole-word WordPiece vocabulary. Every corpus word is in the vocabulary,
 * so WordPiece's greedy longest match returns it whole. There are no "##" pieces, so a word not
 * in the vocabulary can never be completed from pieces and becomes [UNK].
 */
export function tokenizerJson(vocab: readonly string[]): object {
  const vocabMap: Record<string, number> = {};
  vocab.forEach((t, i) => (vocabMap[t] = i));
  const special = (t: string) => ({ id: t, ids: [vocabMap[t]], tokens: [t] });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((t) => ({
      id: vocabMap[t],
      content: t,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: CLS, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: SEP, type_id: 0 } }],
      pair: [
        { SpecialToken: { id: CLS, type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: SEP, type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: SEP, type_id: 1 } },
      ],
      special_tokens: { [CLS]: special(CLS), [SEP]: special(SEP) },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: UNK,
      continuing_subword_prefix: '##',
      max_input_chars_per_word: MAX_INPUT_CHARS_PER_WORD,
      vocab: vocabMap,
    },
  };
}

/** tokenizer_config.json: transformers.js needs model_max_length and pad_token to encode at all. */
export function tokenizerConfigJson(): object {
  return {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    model_max_length: 512,
    pad_token: PAD,
    unk_token: UNK,
    cls_token: CLS,
    sep_token: SEP,
    mask_token: MASK,
    clean_up_tokenization_spaces: true,
  };
}
