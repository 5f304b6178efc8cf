/**
 * Preflight: before a run spends its time, ask each remote provider one cheap question
 * (`GET <baseURL>/models`, which OpenAI, vLLM, Ollama and llama.cpp servers answer). A server
 * that is not listening would otherwise make every question wait out its retries (a 120-pair run
 * spent 12 minutes failing); a rejected key would fail every call. Any other answer, 404 included
 * (a server without that route), counts as reachable.
 */
import { InputError } from '../util/errors.js';
import { redactSecrets } from '../util/redact.js';

export interface PreflightTarget {
  name: string;
  baseURL: string;
  apiKey?: string;
  headers?: Record<string, string>;
}

export async function preflight(targets: readonly PreflightTarget[], opts: { timeoutMs?: number; fetch?: typeof fetch } = {}): Promise<void> {
  const doFetch = opts.fetch ?? fetch;
  await Promise.all(
    targets.map(async (t) => {
      const url = `${t.baseURL.replace(/\/+$/, '')}/models`;
      let status: number;
      try {
        const res = await doFetch(url, {
          headers: { ...(t.apiKey ? { authorization: `Bearer ${t.apiKey}` } : {}), ...t.headers },
          signal: AbortSignal.timeout(opts.timeoutMs ?? 5_000),
        });
        status = res.status;
        await res.body?.cancel();
      } catch (err) {
        const e = err as Error & { cause?: { code?: string; message?: string } };
        const cause = e.cause?.code ?? e.cause?.message ?? e.message;
        throw new InputError(`provider "${t.name}" at ${t.baseURL} is not reachable (${cause}): start the server or fix providers.${t.name}.baseURL (--no-preflight skips this check)`);
      }
      if (status === 401 || status === 403) {
        throw new InputError(redactSecrets(`provider "${t.name}" at ${t.baseURL} rejected the API key (HTTP ${status}): check the key in its apiKeyEnv variable`));
      }
    }),
  );
}
