import { describe, expect, it } from 'vitest';
import { baseForm, tokenize } from './text.js';
import { analyze } from '../../retrieval/bm25.js';

describe('words that are also Object.prototype keys', () => {
  // Regression: a computing glossary (FOLDOC) crashed BM25 indexing with "word.toLowerCase is not a function".
  const text = 'A constructor calls toString, valueOf and hasOwnProperty; __proto__ is not special.';

  it('are plain words to the tokenizer, the irregular-verb table and BM25', () => {
    expect(baseForm('constructor')).toBe('constructor');
    expect(baseForm('wrote')).toBe('write');
    expect(tokenize(text).map((t) => t.key)).toContain('constructor');
    expect(analyze(text)).toEqual(expect.arrayContaining(['constructor', 'tostr', 'valueof', 'hasownproperty']));
  });
});
