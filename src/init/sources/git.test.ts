import { describe, expect, it } from 'vitest';
import { parseGitLog, historyFromCommits, type GitCommit } from './git.js';

const ts = (day: string) => Date.parse(`${day}T23:30:00Z`) / 1000;

describe('git history', () => {
  it('parses `git log --name-status` records: status, path with spaces, UTC day', () => {
    const out = `\x1eaaa\x1f${ts('2030-01-10')}\n\nA\tdocs/Team page.md\nA\tlogo.png\n\x1ebbb\x1f${ts('2030-02-01')}\n\nM\tdocs/Team page.md\nT\tx.txt\nD\told.html\n`;
    expect(parseGitLog(out)).toEqual([
      { sha: 'aaa', day: '2030-01-10', changes: [{ status: 'A', path: 'docs/Team page.md' }, { status: 'A', path: 'logo.png' }] },
      { sha: 'bbb', day: '2030-02-01', changes: [{ status: 'M', path: 'docs/Team page.md' }, { status: 'M', path: 'x.txt' }, { status: 'D', path: 'old.html' }] },
    ]);
  });

  it('makes a version per change, ends it at the next change or the delete, keeps the last text of a day', async () => {
    const texts: Record<string, string> = { 'c1:a.md': 'one', 'c2:a.md': 'two', 'c3:a.md': 'three', 'c4:a.md': 'three', 'c1:b.txt': 'bee', 'c5:b.txt': 'bee again' };
    const commits: GitCommit[] = [
      { sha: 'c1', day: '2030-01-01', changes: [{ status: 'A', path: 'a.md' }, { status: 'A', path: 'b.txt' }, { status: 'A', path: 'img.png' }] },
      { sha: 'c2', day: '2030-02-01', changes: [{ status: 'M', path: 'a.md' }] },
      { sha: 'c3', day: '2030-02-01', changes: [{ status: 'M', path: 'a.md' }] }, // same day: replaces c2's text
      { sha: 'c4', day: '2030-03-01', changes: [{ status: 'M', path: 'a.md' }, { status: 'D', path: 'b.txt' }] }, // a.md text unchanged
      { sha: 'c5', day: '2030-04-01', changes: [{ status: 'A', path: 'b.txt' }] }, // re-added after a delete
    ];
    const files = await historyFromCommits(commits, async (sha, path) => texts[`${sha}:${path}`]!);
    expect(files.map((f) => f.path)).toEqual(['a.md', 'b.txt']);
    expect(files[0]!.versions.map((v) => [v.text, v.validFrom, v.validTo, v.commit])).toEqual([
      ['one', '2030-01-01', '2030-02-01', 'c1'],
      ['three', '2030-02-01', undefined, 'c3'],
    ]);
    expect(files[1]!.versions.map((v) => [v.text, v.validFrom, v.validTo])).toEqual([
      ['bee', '2030-01-01', '2030-03-01'],
      ['bee again', '2030-04-01', undefined],
    ]);
  });

  it('drops a version that lived less than a day', async () => {
    const commits: GitCommit[] = [
      { sha: 'c1', day: '2030-01-01', changes: [{ status: 'A', path: 'a.md' }] },
      { sha: 'c2', day: '2030-02-01', changes: [{ status: 'M', path: 'a.md' }] },
      { sha: 'c3', day: '2030-02-01', changes: [{ status: 'D', path: 'a.md' }] },
    ];
    const files = await historyFromCommits(commits, async (sha) => `text of ${sha}`);
    expect(files[0]!.versions.map((v) => [v.text, v.validFrom, v.validTo])).toEqual([['text of c1', '2030-01-01', '2030-02-01']]);
  });
});
