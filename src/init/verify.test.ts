import { describe, expect, it } from 'vitest';
import type { Document } from '../dataset/schema.js';
import type { Unit } from './corpus.js';
import { diffSentences } from './diff.js';
import { checkRejection, occursIn, verifyItem } from './verify.js';

const v1: Document = { id: 'orsk', title: 'Orsk', text: 'Orsk lies on the Velm. The mayor of Orsk is Mira Tull. It has 13,330 people.', validFrom: '2020-01-01', validTo: '2031-01-01' };
const v2: Document = { id: 'orsk-v2', title: 'Orsk', text: 'Orsk lies on the Velm. The mayor of Orsk is Osric Vell. It has 13,330 people.', validFrom: '2031-01-01', supersedes: 'orsk' };
const unit = (kind: Unit['kind'], earlier?: Document): Unit => ({ key: `orsk-v2|${kind}`, kind, source: v2, asOf: '2031-06-01', ...(earlier ? { earlier } : {}) });
const item = (question: string, answer: string, extra: object = {}) => ({ question, answer, aliases: [], paraphrases: [], ...extra });

describe('verifying generated items', () => {
  it('matches answers as the lenient scorer normalizes them, on whole tokens', () => {
    expect(occursIn(v1.text, '13330')).toBe(true);
    expect(occursIn(v1.text, 'the mayor')).toBe(true);
    expect(occursIn(v1.text, 'Vel')).toBe(false);
    expect(occursIn(v1.text, '  ')).toBe(false);
  });

  it('static: the answer must be in both the cutoff version and the version asked', () => {
    expect(verifyItem(unit('static', v1), item('Where is Orsk?', 'the Velm'), [v1, v2])).toMatchObject({ ok: true, candidate: { kind: 'static', answers: ['the Velm'] } });
    expect(verifyItem(unit('static', v1), item('Who is mayor?', 'Mira Tull'), [v1, v2])).toEqual({ ok: false, reason: 'answer-changed' });
    expect(verifyItem(unit('static', v1), item('Who is mayor?', 'Hana Berg'), [v1, v2])).toEqual({ ok: false, reason: 'answer-not-in-source' });
    // An alias that occurs is enough.
    expect(verifyItem(unit('static', v1), item('How many people?', 'thirteen thousand', { aliases: ['13330'] }), [v1, v2]).ok).toBe(true);
  });

  it('updated: stale in the earlier version only, answer not already there', () => {
    const u = unit('updated', v1);
    expect(verifyItem(u, item('Who is mayor?', 'Osric Vell', { staleAnswer: 'Mira Tull' }), [v1, v2])).toMatchObject({ ok: true, candidate: { kind: 'updated', staleAnswers: ['Mira Tull'] } });
    expect(verifyItem(u, item('Who is mayor?', 'Osric Vell', { staleAnswer: 'Ida Moss' }), [v1, v2])).toEqual({ ok: false, reason: 'stale-not-in-earlier' });
    expect(verifyItem(u, item('Where?', 'Velm', { staleAnswer: 'Velm' }), [v1, v2])).toEqual({ ok: false, reason: 'same-as-stale' });
    expect(verifyItem(u, item('Who is mayor?', 'Osric Vell', { staleAnswer: 'Orsk' }), [v1, v2])).toEqual({ ok: false, reason: 'stale-still-current' });
    expect(verifyItem(u, item('Where?', 'Velm', { staleAnswer: 'Mira Tull' }), [v1, v2])).toEqual({ ok: false, reason: 'answer-in-earlier' });
    // No earlier value: a new fact, unless the cutoff version already had it.
    expect(verifyItem(u, item('Who is mayor?', 'Osric Vell', { staleAnswer: null }), [v1, v2])).toMatchObject({ ok: true, candidate: { kind: 'new' } });
    expect(verifyItem(u, item('Where?', 'Velm', { staleAnswer: null }), [v1, v2])).toEqual({ ok: false, reason: 'answer-in-earlier' });
  });

  it('unanswerable: the plausible answer must be in no document; the check must find it unanswerable', () => {
    expect(verifyItem(unit('unanswerable'), { question: 'Who founded Orsk?', plausibleAnswer: 'Mira Tull' }, [v1, v2])).toEqual({ ok: false, reason: 'answer-in-corpus' });
    expect(verifyItem(unit('unanswerable'), { question: 'Who founded Orsk?', plausibleAnswer: 'Jon Bale' }, [v1, v2])).toMatchObject({ ok: true, candidate: { answers: [] } });
    expect(checkRejection('unanswerable', { answerable: true, ambiguous: false, reason: '' })).toBe('answerable');
    expect(checkRejection('static', { answerable: true, ambiguous: true, reason: '' })).toBe('ambiguous');
    expect(checkRejection('new', { answerable: false, ambiguous: false, reason: '' })).toBe('not-answerable');
    expect(checkRejection('updated', { answerable: true, ambiguous: false, reason: '' })).toBeNull();
  });

  it('diffs versions by sentence', () => {
    expect(diffSentences(v1.text, v2.text)).toEqual({
      same: ['Orsk lies on the Velm.', 'It has 13,330 people.'],
      removed: ['The mayor of Orsk is Mira Tull.'],
      added: ['The mayor of Orsk is Osric Vell.'],
    });
  });
});
