/**
 * Preflight: before a run spends its time, ask each remote provider one cheap question
 * (`GET <baseURL>/models`, which OpenAI, vLLM, Ollama and llama.cpp servers answer). A server
 * that is not listening would otherwise make every question wait out its retries (a 120-pair run
 * spent 12 minutes failing); a rejected key would fail every call. Any other answer, 404 included
 * (a server without that route), counts as reachable.
 *
 * The listing it returns also says which weights a server runs, which the model id a client
 * configures does not (llama.cpp and vLLM serve whatever they were started with under any name):
 * `listingFingerprint` keys the response cache's notion of "the same model" on it, so a rerun
 * whose every answer is cached still notices a swap (see src/models/cache.ts).
 */
import { InputError } from '../util/errors.js';
import { sha256, stableStringify } from '../util/hash.js';
import { redactSecrets } from '../util/redact.js';

export interface PreflightTarget {
  name: string;
  baseURL: string;
  apiKey?: string;
  headers?: Record<string, string>;
}

/** The `data` entries of an OpenAI-style `GET /models` answer. */
export type ModelListing = Record<string, unknown>[];

/** Checks every target; returns each provider's model listing (null when it sent none we can read). */
export async function preflight(targets: readonly PreflightTarget[], opts: { timeoutMs?: number; fetch?: typeof fetch } = {}): Promise<Map<string, ModelListing | null>> {
  const doFetch = opts.fetch ?? fetch;
  const listings = new Map<string, ModelListing | null>();
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
        listings.set(t.name, status === 200 ? parseListing(await res.text().catch(() => '')) : null);
        if (status !== 200) await res.body?.cancel();
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
  return listings;
}

function parseListing(body: string): ModelListing | null {
  try {
    const data = (JSON.parse(body) as { data?: unknown }).data;
    return Array.isArray(data) ? data.filter((m): m is Record<string, unknown> => typeof m === 'object' && m !== null && typeof m.id === 'string') : null;
  } catch {
    return null;
  }
}

/**
 * What the server lists for `modelId`: its entry, or the only entry of a server that serves one
 * model under any name (llama.cpp). Null when the listing cannot say (none, or several and none
 * matches). `created` is left out: llama.cpp and vLLM stamp it with the time of the request.
 */
export function listingFingerprint(listing: ModelListing | null | undefined, modelId: string): string | null {
  if (!listing) return null;
  const entry = listing.find((m) => m.id === modelId) ?? (listing.length === 1 ? listing[0] : undefined);
  if (!entry) return null;
  const { created: _created, ...rest } = entry;
  return sha256(stableStringify(rest)).slice(0, 16);
}
