/** Progress rendering on a fake stream and a fake clock: what a terminal and a CI log would show. */
import { describe, expect, it } from 'vitest';
import { barLine, createProgress, duration, isCI, plainLine } from './progress.js';

/** A stream that records writes; `clock.t` is the time in ms the progress reads. */
function fake(isTTY: boolean, columns?: number) {
  const chunks: string[] = [];
  const clock = { t: 0 };
  const stream = { isTTY, columns, write: (s: string) => chunks.push(s) };
  return { chunks, clock, stream, now: () => clock.t };
}

/** What a terminal shows after these writes: `\r` + ESC[K clears the line, `\n` starts the next. */
function screen(chunks: string[]): string[] {
  const lines = [''];
  for (const part of chunks.join('').split(/(\r\x1b\[K|\n)/)) {
    if (part === '\r\x1b[K') lines[lines.length - 1] = '';
    else if (part === '\n') lines.push('');
    else lines[lines.length - 1] += part;
  }
  return lines;
}

const at = (done: number, total: number, perSecond: number) => ({ label: 'answering', done, total, elapsedMs: (1000 * done) / perSecond });

describe('the terminal bar', () => {
  it('shows a bar, counts, rate and ETA within 100 columns', () => {
    const line = barLine(at(412, 1800, 23.4));
    expect(line).toMatch(/^answering {2}\[(█+)(░+)\] {3}412\/1800 {4}23\.4\/s {2}ETA 59s$/);
    expect(line.length).toBeLessThanOrEqual(100);
    const [, filled, empty] = /\[(█+)(░+)\]/.exec(line)!;
    expect(filled!.length).toBe(Math.floor(((filled!.length + empty!.length) * 412) / 1800));
  });

  it('says how long it took once done, and has no ETA before the first answer', () => {
    expect(barLine(at(1800, 1800, 23.4))).toMatch(/\[█+\] {2}1800\/1800 {4}23\.4\/s {2}in 1m17s$/);
    expect(barLine({ label: 'answering', done: 0, total: 10, elapsedMs: 500 })).toMatch(/\[░+\] {3}0\/10 {7}–\/s {2}ETA –$/);
  });

  it('narrows the bar to the terminal and drops it when there is no room', () => {
    const narrow = barLine(at(412, 1800, 23.4), 60);
    expect(narrow.length).toBeLessThanOrEqual(60);
    expect(narrow).toMatch(/\[█+░+\]/);
    expect(barLine(at(412, 1800, 23.4), 40)).toBe('answering   412/1800    23.4/s  ETA 59s');
  });

  it('keeps the bar the same width as the ETA shrinks', () => {
    const bar = (s: string) => /\[[█░]+\]/.exec(s)![0].length;
    expect(bar(barLine(at(1, 100_000, 1)))).toBe(bar(barLine(at(99_999, 100_000, 1000))));
  });

  it('formats durations in seconds, minutes and hours', () => {
    expect([duration(59.4), duration(185), duration(3725)]).toEqual(['59s', '3m05s', '1h02m']);
  });

  it('redraws one line in place, at most every 100 ms, and always the last count', () => {
    const f = fake(true, 120);
    const task = createProgress(f.stream, false, { now: f.now, env: {} }).start('answering', 10);
    for (let i = 0; i < 10; i++) {
      f.clock.t += 30;
      task.tick();
    }
    task.done();
    const draws = f.chunks.filter((c) => c.startsWith('\r\x1b[K'));
    // Ticks every 30 ms: drawn at the start, at 120 and 240 ms (100 ms after the previous draw),
    // at the last answer (300 ms) and by done(), not at the other seven ticks.
    expect(draws).toHaveLength(5);
    expect(screen(f.chunks)).toEqual([expect.stringMatching(/^answering {2}\[█+\] {2}10\/10 {4}33\.3\/s {2}in 0s$/), '']);
  });

  it('prints notes and logged messages above the bar, never on its line', () => {
    const f = fake(true);
    const progress = createProgress(f.stream, false, { now: f.now, env: {} });
    const task = progress.start('answering', 10);
    f.clock.t = 1000;
    task.tick();
    progress.log('provider "p" failed 5 calls in a row');
    task.tick(`rag q7: timeout: ${'x'.repeat(200)}`);
    const lines = screen(f.chunks);
    expect(lines.slice(0, 2)).toEqual(['provider "p" failed 5 calls in a row', expect.stringMatching(/^ {2}rag q7: timeout: x+…$/)]);
    expect(lines[2]).toMatch(/^answering {2}\[/);
    expect(lines[2]).toContain(' 2/10');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(100);
  });

  it('fits a terminal narrower than 100 columns', () => {
    const f = fake(true, 50);
    const task = createProgress(f.stream, false, { now: f.now, env: {} }).start('embedding chunks', 2000);
    f.clock.t = 5000;
    task.tick();
    for (const line of screen(f.chunks)) expect(line.length).toBeLessThan(50);
  });
});

describe('CI logs', () => {
  it('print a start line, a line at each 10% step but 30 s apart at least, and the end; no escape codes', () => {
    const f = fake(false);
    const task = createProgress(f.stream, false, { now: f.now, env: {} }).start('answering', 1000);
    for (let i = 0; i < 1000; i++) {
      f.clock.t += 100; // 10 answers/s: a 10% step every 10 s
      task.tick();
    }
    task.done();
    const out = f.chunks.join('');
    expect(out).not.toMatch(/[\r\x1b]/);
    expect(out.trimEnd().split('\n')).toEqual([
      'answering 0/1000 (0%)',
      'answering 300/1000 (30%)  10.0/s  ETA 1m10s',
      'answering 600/1000 (60%)  10.0/s  ETA 40s',
      'answering 900/1000 (90%)  10.0/s  ETA 10s',
      'answering 1000/1000 (100%)  10.0/s  in 1m40s',
    ]);
  });

  it('print a line after 5 minutes without a 10% step', () => {
    const f = fake(false);
    const task = createProgress(f.stream, false, { now: f.now, env: {} }).start('answering', 1000);
    for (let i = 0; i < 6; i++) {
      f.clock.t += 60_000;
      task.tick();
    }
    expect(f.chunks.map((c) => c.split(' ')[1])).toEqual(['0/1000', '5/1000']);
  });

  it('are used on a TTY too when CI is set', () => {
    const f = fake(true);
    const task = createProgress(f.stream, false, { now: f.now, env: { CI: 'true' } }).start('answering', 2);
    task.tick();
    task.tick();
    expect(f.chunks).toEqual(['answering 0/2 (0%)\n', expect.stringMatching(/^answering 2\/2 \(100%\) .*\n$/)]);
  });

  it('end an interrupted task with the count it reached; notes as they come, one line each', () => {
    const f = fake(false);
    const task = createProgress(f.stream, false, { now: f.now, env: {} }).start('answering', 100);
    f.clock.t = 2000;
    task.tick(`rag q1: server: ${'y'.repeat(200)}`);
    task.tick();
    task.done();
    const lines = f.chunks.join('').trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^ {2}rag q1: server: y+…$/);
    expect(lines[1]!.length).toBe(100);
    expect(lines[2]).toBe('answering 2/100 (2%)  1.0/s  ETA 1m38s');
  });
});

describe('selection and quiet', () => {
  it('reads CI as CI runners set it', () => {
    expect([isCI({ CI: 'true' }), isCI({ CI: '1' }), isCI({ CI: 'false' }), isCI({ CI: '0' }), isCI({})]).toEqual([true, true, false, false, false]);
  });

  it('writes nothing when quiet', () => {
    const f = fake(true);
    const p = createProgress(f.stream, true, { now: f.now, env: {} });
    p.log('x');
    p.start('answering', 1).tick('note');
    expect(f.chunks).toEqual([]);
  });

  it('plain lines start with the count alone, then add rate and ETA', () => {
    expect(plainLine({ label: 'embedding chunks', done: 0, total: 40, elapsedMs: 0 })).toBe('embedding chunks 0/40 (0%)');
    expect(plainLine(at(20, 40, 4))).toBe('answering 20/40 (50%)  4.0/s  ETA 5s');
  });
});
