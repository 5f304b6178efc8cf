import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { isDocumentPath, parseDocumentFile } from './text.js';
import type { Source, SourceFile } from './types.js';

/** Folders never read as documents (tooling, dependencies, VCS data). */
const SKIP_DIRS = new Set(['node_modules', '.git']);

/** Every Markdown/text/HTML file under `root` (hidden folders skipped), one undated version each. */
export async function readFolderSource(root: string): Promise<Source> {
  const files: SourceFile[] = [];
  for (const abs of await walk(root)) {
    const parsed = parseDocumentFile(abs, await readFile(abs, 'utf8'));
    if (!parsed.text) continue;
    files.push({ path: relative(root, abs).split(sep).join('/'), versions: [parsed] });
  }
  return { kind: 'folder', root, files };
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.') || SKIP_DIRS.has(e.name)) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile() && isDocumentPath(e.name)) out.push(p);
  }
  return out;
}
