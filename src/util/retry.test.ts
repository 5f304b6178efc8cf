import { describe, expect, it } from 'vitest';
import { retryAfterMs, withRetries } from './retry.js';

/** An attempt that fails `failures` times with `err`, then returns 'ok'. */
function flaky(failures: number, err: unknown = new Error('503')) {
  let calls = 0;
  const attempt = async () => {
    calls++;
    if (calls <= failures) throw err;
    return 'ok';
  };
  return { attempt, calls: () => calls };
}

describe('withRetries', () => {
  it('backs off 2 s, 4 s, … and gives up after maxRetries more attempts with the last error', async () => {
    const waits: number[] = [];
    const sleep = async (ms: number) => void waits.push(ms);
    const ok = flaky(2);
    expect(await withRetries(ok.attempt, () => ({ retryable: true }), { maxRetries: 2, sleep })).toBe('ok');
    expect(waits).toEqual([2000, 4000]);
    const down = flaky(9, new Error('still down'));
    await expect(withRetries(down.attempt, () => ({ retryable: true }), { maxRetries: 2, sleep })).rejects.toThrow('still down');
    expect(down.calls()).toBe(3);
  });

  it("waits what the server asks when it is under a minute, else backs off; never retries what is not retryable", async () => {
    const waits: number[] = [];
    const sleep = async (ms: number) => void waits.push(ms);
    await withRetries(flaky(2).attempt, () => ({ retryable: true, retryAfterMs: 250 }), { maxRetries: 2, sleep });
    await withRetries(flaky(1).attempt, () => ({ retryable: true, retryAfterMs: 90_000 }), { maxRetries: 2, sleep });
    expect(waits).toEqual([250, 250, 2000]);
    const bad = flaky(1, new Error('400'));
    await expect(withRetries(bad.attempt, () => ({ retryable: false }), { maxRetries: 5, sleep })).rejects.toThrow('400');
    expect(bad.calls()).toBe(1);
  });

  it('stops at once when the run is aborted, during a wait too', async () => {
    const stop = new AbortController();
    stop.abort(new Error('stopped'));
    const gone = flaky(3);
    await expect(withRetries(gone.attempt, () => ({ retryable: true }), { maxRetries: 3, signal: stop.signal })).rejects.toThrow('503');
    expect(gone.calls()).toBe(1);
    const later = new AbortController();
    setTimeout(() => later.abort(new Error('stopped while waiting')), 20);
    await expect(withRetries(flaky(3).attempt, () => ({ retryable: true }), { maxRetries: 3, signal: later.signal, initialDelayMs: 10_000 })).rejects.toThrow('stopped while waiting');
  });
});

describe('retryAfterMs', () => {
  it('reads retry-after-ms, retry-after in seconds or as a date, from Headers or a plain record', () => {
    const now = Date.parse('2026-12-02T06:00:00Z');
    expect(retryAfterMs({ 'retry-after-ms': '150' })).toBe(150);
    expect(retryAfterMs(new Headers({ 'retry-after': '3' }))).toBe(3000);
    expect(retryAfterMs({ 'retry-after': 'Wed, 02 Dec 2026 06:00:05 GMT' }, now)).toBe(5000);
    expect(retryAfterMs({ 'retry-after': 'Wed, 02 Dec 2026 05:00:00 GMT' }, now)).toBe(0);
    expect([retryAfterMs({ 'retry-after': 'soon' }), retryAfterMs({}), retryAfterMs(undefined)]).toEqual([undefined, undefined, undefined]);
  });
});
