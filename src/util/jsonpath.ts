/**
 * The JSONPath subset an HTTP pipeline maps replies with: `$`, `.name`, `['name']`, `[0]`, `[*]`
 * and `.*`. That covers pulling fields out of a service's JSON (`$.answer`,
 * `$.sources[*].id`, `$.usage.prompt_tokens`) without filters or scripts, so a config cannot
 * run code (full JSONPath libraries evaluate filter expressions).
 */
export type PathSegment = { kind: 'key'; key: string } | { kind: 'index'; index: number } | { kind: 'all' };

const NAME = /^[A-Za-z_$][\w$-]*/;
const BRACKET = /^\[(?:(\*)|(\d+)|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\]/;

/** The segments of `path`; throws an Error saying what is wrong where. */
export function parseJsonPath(path: string): PathSegment[] {
  if (!path.startsWith('$')) throw new Error(`"${path}" must start with $`);
  const out: PathSegment[] = [];
  let rest = path.slice(1);
  while (rest) {
    if (rest.startsWith('.*')) {
      out.push({ kind: 'all' });
      rest = rest.slice(2);
    } else if (rest.startsWith('.')) {
      const m = NAME.exec(rest.slice(1));
      if (!m) throw new Error(`"${path}": expected a field name after "." at "${rest}"`);
      out.push({ kind: 'key', key: m[0] });
      rest = rest.slice(1 + m[0].length);
    } else {
      const m = BRACKET.exec(rest);
      if (!m) throw new Error(`"${path}": expected .name, [n], ['name'] or [*] at "${rest}"`);
      if (m[1]) out.push({ kind: 'all' });
      else if (m[2] !== undefined) out.push({ kind: 'index', index: Number(m[2]) });
      else out.push({ kind: 'key', key: (m[3] ?? m[4]!).replace(/\\(.)/g, '$1') });
      rest = rest.slice(m[0].length);
    }
  }
  return out;
}

/** Whether the path can match several values (it has a wildcard). */
export const isMultiPath = (segments: readonly PathSegment[]): boolean => segments.some((s) => s.kind === 'all');

/** The values `segments` select in `doc`; undefined when a step finds nothing (a missing field or index). */
export function selectJsonPath(segments: readonly PathSegment[], doc: unknown): unknown[] | undefined {
  let current: unknown[] = [doc];
  for (const s of segments) {
    const next: unknown[] = [];
    for (const v of current) {
      if (s.kind === 'all') {
        if (Array.isArray(v)) next.push(...(v as unknown[]));
        else if (v !== null && typeof v === 'object') next.push(...Object.values(v));
        else return undefined;
      } else if (s.kind === 'index') {
        if (!Array.isArray(v) || s.index >= v.length) return undefined;
        next.push(v[s.index]);
      } else {
        if (v === null || typeof v !== 'object' || Array.isArray(v) || !Object.hasOwn(v, s.key)) return undefined;
        next.push((v as Record<string, unknown>)[s.key]);
      }
    }
    current = next;
  }
  return current;
}
