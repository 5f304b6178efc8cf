/**
 * Secrets registered here (API keys read from the environment, provider header values) are
 * replaced by `[REDACTED]` in everything ragvft writes or prints, whatever their length, along
 * with anything that looks like a bearer token. Writers redact at the boundary (result files,
 * journal lines, cache entries, the CLI's output streams), so text from a server that echoes a
 * key into its answer cannot reach a file or a terminal.
 */
const secrets = new Set<string>();
/** Longest first: a secret that contains another must be replaced whole. */
let ordered: string[] = [];

export const REDACTED = '[REDACTED]';

export function registerSecret(value: string | undefined): void {
  if (!value || secrets.has(value)) return;
  secrets.add(value);
  ordered = [...secrets].sort((a, b) => b.length - a.length);
}

export function redactSecrets(text: string): string {
  let out = text;
  for (const s of ordered) if (out.includes(s)) out = out.split(s).join(REDACTED);
  return out.replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, `$1${REDACTED}`).replace(/\bsk-[A-Za-z0-9_-]{8,}/g, REDACTED);
}

/**
 * A copy of `value` with every string value redacted: for objects about to be serialized. Keys are
 * left alone: they are field names of our own formats (never secrets), and a short key such as
 * "id" or "k" would otherwise cut into them and make the file unreadable.
 */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redactSecrets(value) as T;
  if (Array.isArray(value)) return value.map(redactDeep) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v);
    return out as T;
  }
  return value;
}
