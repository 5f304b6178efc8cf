/**
 * Document history from a git repository, read with the `git` CLI: one `git log --name-status`
 * over the whole history (oldest first, renames as a delete and an add), then `git show
 * <sha>:<path>` for each added or modified document. Every commit that changes a file's text
 * makes a version valid from the commit's day (committer date, UTC); a later change or a delete
 * ends it (`validTo`). Several changes on one day keep the day's last text, since validity is
 * counted in days.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { InputError } from '../../util/errors.js';
import { isDocumentPath, parseDocumentFile } from './text.js';
import type { Source, SourceFile, SourceVersion } from './types.js';

const run = promisify(execFile);

export interface GitChange {
  status: 'A' | 'M' | 'D';
  path: string;
}

export interface GitCommit {
  sha: string;
  /** Committer date as YYYY-MM-DD (UTC). */
  day: string;
  changes: GitChange[];
}

const RECORD = '\x1e';
const FIELD = '\x1f';
export const GIT_LOG_ARGS = ['-c', 'core.quotePath=false', 'log', '--reverse', '--no-renames', '--name-status', `--format=${RECORD}%H${FIELD}%ct`];

/** Parses the output of `git log` run with GIT_LOG_ARGS (type changes count as modifications). */
export function parseGitLog(out: string): GitCommit[] {
  const commits: GitCommit[] = [];
  for (const rec of out.split(RECORD)) {
    const [head, ...lines] = rec.split('\n');
    if (!head?.trim()) continue;
    const [sha, ct] = head.split(FIELD) as [string, string];
    const changes: GitChange[] = [];
    for (const line of lines) {
      const m = /^([AMDT])\d*\t(.+)$/.exec(line);
      if (m) changes.push({ status: m[1] === 'T' ? 'M' : (m[1] as GitChange['status']), path: m[2]! });
    }
    commits.push({ sha: sha.trim(), day: new Date(Number(ct) * 1000).toISOString().slice(0, 10), changes });
  }
  return commits;
}

/** Folds commits into per-file version lists (`text` read through `read(sha, path)`). */
export async function historyFromCommits(commits: GitCommit[], read: (sha: string, path: string) => Promise<string>): Promise<SourceFile[]> {
  const byPath = new Map<string, SourceVersion[]>();
  for (const c of commits) {
    for (const ch of c.changes) {
      if (!isDocumentPath(ch.path)) continue;
      const versions = byPath.get(ch.path) ?? [];
      byPath.set(ch.path, versions);
      const last = versions.at(-1);
      const open = last && last.validTo === undefined ? last : undefined;
      if (ch.status === 'D') {
        if (!open) continue;
        if (open.validFrom === c.day) versions.pop(); // lived less than a day: the previous version ends today
        else open.validTo = c.day;
        continue;
      }
      const parsed = parseDocumentFile(ch.path, await read(c.sha, ch.path));
      const next: SourceVersion = { ...parsed, validFrom: c.day, commit: c.sha };
      if (open && sameContent(open, next)) continue;
      if (open?.validFrom === c.day) versions.pop();
      const prev = versions.at(-1);
      if (prev && (prev.validTo === undefined || prev.validTo > c.day)) prev.validTo = c.day;
      if (parsed.text) versions.push(next);
    }
  }
  return [...byPath].filter(([, v]) => v.length > 0).map(([path, versions]) => ({ path, versions })).sort((a, b) => (a.path < b.path ? -1 : 1));
}

const sameContent = (a: SourceVersion, b: SourceVersion) => a.text === b.text && a.title === b.title && JSON.stringify(a.access) === JSON.stringify(b.access);

async function git(root: string, args: string[]): Promise<string> {
  try {
    return (await run('git', ['-C', root, ...args], { maxBuffer: 512 * 1024 * 1024, encoding: 'utf8' })).stdout;
  } catch (e) {
    throw new InputError(`git ${args.find((a) => !a.startsWith('-')) ?? ''} failed in ${root}: ${((e as { stderr?: string }).stderr ?? (e as Error).message).trim().split('\n')[0]}`);
  }
}

/** Reads the history of HEAD of the repository at `root`. */
export async function readGitSource(root: string): Promise<Source> {
  const commits = parseGitLog(await git(root, [...GIT_LOG_ARGS, 'HEAD']));
  if (commits.length === 0) throw new InputError(`the git repository ${root} has no commits`);
  const files = await historyFromCommits(commits, (sha, path) => git(root, ['show', `${sha}:${path}`]));
  return { kind: 'git', root, files, commits: { first: commits[0]!.sha, last: commits.at(-1)!.sha, count: commits.length } };
}
