/**
 * Retries for calls made outside the AI SDK (http pipelines), with the SDK's policy so that every
 * pipeline of a run is treated alike: up to `maxRetries` more attempts when the error says it is
 * retryable (429, 408/409, 5xx, a failed connection), waiting 2 s, 4 s, … or what a
 * `retry-after-ms` / `retry-after` header asks for when that is under a minute; never once the
 * run's signal has aborted.
 */
export interface RetryOptions {
  maxRetries: number;
  signal?: AbortSignal;
  /** First backoff; doubles per retry. */
  initialDelayMs?: number;
  /** Waits (tests replace it); must reject when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** What an error says about retrying: whether to, and the server's requested delay if any. */
export interface RetryVerdict {
  retryable: boolean;
  retryAfterMs?: number;
}

const MAX_HONOURED_MS = 60_000;

export async function withRetries<T>(attempt: () => Promise<T>, judge: (err: unknown) => RetryVerdict, opts: RetryOptions): Promise<T> {
  const sleep = opts.sleep ?? abortableSleep;
  let delay = opts.initialDelayMs ?? 2000;
  for (let tries = 0; ; tries++) {
    try {
      return await attempt();
    } catch (err) {
      const verdict = judge(err);
      if (!verdict.retryable || tries >= opts.maxRetries || opts.signal?.aborted) throw err;
      const asked = verdict.retryAfterMs;
      await sleep(asked !== undefined && asked >= 0 && asked < MAX_HONOURED_MS ? asked : delay, opts.signal);
      delay *= 2;
    }
  }
}

/** `retry-after-ms` (milliseconds) or `retry-after` (seconds, or an HTTP date), as milliseconds. */
export function retryAfterMs(headers: Headers | Record<string, string | undefined> | undefined, now = Date.now()): number | undefined {
  const get = (name: string) => (headers instanceof Headers ? (headers.get(name) ?? undefined) : headers?.[name]);
  const ms = Number.parseFloat(get('retry-after-ms') ?? '');
  if (Number.isFinite(ms)) return ms;
  const after = get('retry-after');
  if (after === undefined) return undefined;
  const seconds = Number.parseFloat(after);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
