/**
 * For `ragvft init` tests: a small git repository made in a temp folder (four dated commits: add,
 * change a fact after the cutoff, delete a file, add a file), and a scripted generator for the
 * loopback OpenAI-compatible server that answers each prompt by its `Task:` and `Document:` lines
 * (and in prose, not JSON, for a document `garbled`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PromptInfo } from './openai-server.js';

export const CUTOFF = '2030-06-30';

const BADAN_1 = '---\ntitle: Badan (town)\naccess: [staff, board]\n---\n# Badan\n\nBadan is a town on the river Velm. The mayor of Badan is Anna Kros.\nThe town has about 12,000 inhabitants.\n';
const KELOR = '# Kelor\n\nKelor is a port on the coast. Kelor exports salt.\n';
const VELM = '<html><head><title>Velm bridge</title><style>p{}</style></head><body><p>The Velm bridge opened in 2030.</p><p>It is 300 metres long &amp; carries a railway.</p></body></html>';

function git(dir: string, args: string[], day?: string): void {
  const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', ...(day ? { GIT_AUTHOR_DATE: `${day}T12:00:00Z`, GIT_COMMITTER_DATE: `${day}T12:00:00Z` } : {}) };
  execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, env, stdio: 'pipe' });
}

/**
 * The repository: 2030-01-10 badan.md + kelor.md (+ `extra` files, path -> text); 2030-08-01 the
 * mayor changes; 2030-09-01 kelor.md deleted; 2030-10-01 velm.html added.
 */
export function makeGitCorpus(extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'ragvft-init-repo-'));
  git(dir, ['init', '-q', '-b', 'main']);
  const commit = (day: string, msg: string) => {
    git(dir, ['add', '-A']);
    git(dir, ['commit', '-q', '-m', msg], day);
  };
  writeFileSync(join(dir, 'badan.md'), BADAN_1);
  writeFileSync(join(dir, 'kelor.md'), KELOR);
  writeFileSync(join(dir, 'notes.json'), '{}'); // not a document: skipped
  for (const [path, text] of Object.entries(extra)) writeFileSync(join(dir, path), text);
  commit('2030-01-10', 'add Badan and Kelor');
  writeFileSync(join(dir, 'badan.md'), BADAN_1.replace('Anna Kros', 'Mira Tal'));
  commit('2030-08-01', 'new mayor');
  rmSync(join(dir, 'kelor.md'));
  commit('2030-09-01', 'drop Kelor');
  writeFileSync(join(dir, 'velm.html'), VELM);
  commit('2030-10-01', 'add the Velm bridge');
  return dir;
}

const fact = (question: string, answer: string, extra: object = {}) => ({ question, answer, aliases: [], paraphrases: [`${question} (asked another way)`, `Say: ${question}`], ...extra });

/** What the scripted generator returns, by `<task>|<document id>`. */
const SCRIPT: Record<string, object> = {
  'static|badan-v2': { items: [fact('On which river is Badan?', 'Velm'), fact('Who is the mayor of Badan?', 'Anna Kros')] },
  'updated|badan-v2': {
    items: [fact('Who is the mayor of Badan now?', 'Mira Tal', { staleAnswer: 'Anna Kros' }), fact('How many people live in Badan?', '12,000', { staleAnswer: '11,000' })],
  },
  'unanswerable|badan-v2': { items: [{ question: 'Who founded Badan?', plausibleAnswer: 'Jon Velm' }] },
  'static|kelor': { items: [fact('What does Kelor export?', 'salt'), fact('What is Kelor?', 'a port')] },
  'unanswerable|kelor': { items: [{ question: 'How many people live in Kelor?', plausibleAnswer: '12,000' }] },
  'new|velm': { items: [fact('In what year did the Velm bridge open?', '2030')] },
  'unanswerable|velm': { items: [{ question: 'Who designed the Velm bridge?', plausibleAnswer: 'Ira Dunn' }] },
};

/** The check's verdict: near misses are not answerable; "What is Kelor?" is ambiguous. */
function check(user: string): object {
  const q = /^Question: (.*)$/m.exec(user)?.[1] ?? '';
  const nearMiss = !/^Proposed answer:/m.test(user);
  return { answerable: !nearMiss, ambiguous: q === 'What is Kelor?', reason: 'scripted' };
}

/** `ServerOptions.answer` for the loopback server. */
export function scriptedGenerator(p: PromptInfo): string {
  const task = /^Task: (\w+)$/m.exec(p.user)?.[1];
  const doc = /^Document: (\S+)$/m.exec(p.user)?.[1];
  if (task === 'check') return JSON.stringify(check(p.user));
  if (doc === 'garbled') return 'Sure! Here are some great questions about this document.';
  return JSON.stringify(SCRIPT[`${task}|${doc}`] ?? { items: [] });
}

/** A config naming the loopback server as provider `gen`, with its own cache folder (journal and responses). */
export function writeInitConfig(dir: string, baseURL: string, name = 'init'): string {
  const path = join(dir, `${name}.config.json`);
  writeFileSync(path, JSON.stringify({ dataset: '.', cacheDir: join(dir, `${name}-cache`), providers: { gen: { type: 'openai-compatible', baseURL } }, concurrency: 2, generation: { maxRetries: 0 } }));
  return path;
}
