/**
 * A source's files as dataset documents (ids, `supersedes` chains, validity, access), and the plan
 * of what to generate from them relative to the cutoff: one unit per (document version, kind).
 */
import { isValidOn } from '../dataset/load.js';
import type { Category, Document } from '../dataset/schema.js';
import type { Source } from './sources/types.js';

/** The versions of one file, oldest first. */
export interface Chain {
  path: string;
  docs: Document[];
}

export interface Unit {
  /** Journal key: `<document version id>|<kind>`. */
  key: string;
  kind: Category;
  /** The version questions are asked against (gold for answerable kinds, near miss for unanswerable). */
  source: Document;
  /** The version valid at the cutoff, when it differs from `source` (static: facts must be in both; updated: the stale value). */
  earlier?: Document;
  asOf: string;
}

/** `docs/Team Page.md` -> `docs-team-page`. */
export const slugOf = (path: string) =>
  path.replace(/\.[^./]+$/, '').toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'doc';

export function toChains(source: Source): Chain[] {
  const used = new Set<string>();
  return source.files.map((f) => {
    let base = slugOf(f.path);
    for (let n = 2; used.has(base); n++) base = `${slugOf(f.path)}-${n}`;
    used.add(base);
    const docs: Document[] = [];
    f.versions.forEach((v, i) => {
      const id = i === 0 ? base : `${base}-v${i + 1}`;
      const metadata = { path: f.path, ...(v.commit ? { commit: v.commit } : {}) };
      docs.push({
        id,
        title: v.title,
        text: v.text,
        ...(v.validFrom ? { validFrom: v.validFrom } : {}),
        ...(v.validTo ? { validTo: v.validTo } : {}),
        ...(i > 0 ? { supersedes: docs[i - 1]!.id } : {}),
        ...(v.access && v.access.length > 0 ? { access: v.access } : {}),
        metadata,
      });
    });
    return { path: f.path, docs };
  });
}

/** The day questions are asked on: the corpus's last change, and never before the cutoff. */
export function askDay(chains: Chain[], cutoff: string): string {
  const days = chains.flatMap((c) => c.docs.flatMap((d) => [d.validFrom, d.validTo])).filter((d): d is string => d !== undefined);
  return [cutoff, ...days].sort().at(-1)!;
}

/**
 * What to generate from each file: `static` from the version valid at the cutoff (asked against
 * the version valid when asked, with the facts both share), `updated` from the change between the
 * two, `new` from a file that appeared after the cutoff, `unanswerable` near misses on the asked
 * version. A file asked after it was deleted is asked on the last day its version was valid.
 */
export function planUnits(chains: Chain[], cutoff: string, now: string): Unit[] {
  const units: Unit[] = [];
  for (const { docs } of chains) {
    const atCutoff = docs.find((d) => isValidOn(d, cutoff));
    const asked = docs.find((d) => isValidOn(d, now)) ?? docs.filter((d) => d.validFrom !== undefined && d.validFrom > cutoff).at(-1) ?? atCutoff;
    if (!asked) continue;
    const asOf = isValidOn(asked, now) ? now : asked === atCutoff ? cutoff : asked.validFrom!;
    const unit = (kind: Category, earlier?: Document) => units.push({ key: `${asked.id}|${kind}`, kind, source: asked, asOf, ...(earlier ? { earlier } : {}) });
    const changed = atCutoff !== undefined && atCutoff !== asked;
    if (atCutoff) unit('static', changed ? atCutoff : undefined);
    if (changed) unit('updated', atCutoff);
    if (!atCutoff) unit('new');
    unit('unanswerable');
  }
  return units;
}
