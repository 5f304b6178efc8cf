/**
 * Which pipeline of a run plays which part in the claims: the run's config says whether each
 * pipeline retrieves and whether its model is a fine-tune, which is all the articles' setups
 * differ by (closed-book base, RAG, fine-tuned, fine-tuned + RAG).
 */
import type { ResultView } from '../results/view.js';

export type Role = 'closed-book' | 'rag' | 'fine-tuned' | 'hybrid';

export interface RolePipeline {
  name: string;
  model: string;
  role: Role;
  /** A local surrogate model of this project (not an LLM). */
  local: boolean;
  /** For fine-tunes: the training data variant (`paraphrase`, `plain`, a JSONL path), when known. */
  finetuneData: string | null;
  /** The date the pipeline's RAG index is a snapshot of (null: the whole corpus). */
  indexAsOf: string | null;
}

export interface PipelineRoles {
  pipelines: RolePipeline[];
  /** The pipelines on the run's own index: all but an `indexSnapshots` sweep's `<pipeline>@<date>`. */
  current: RolePipeline[];
  /** The first current pipeline of a role, in run order; null when the run has none. */
  first(role: Role): RolePipeline | null;
  all(role: Role): RolePipeline[];
}

interface StoredConfig {
  /** A custom pipeline (`run` function, `http` service) has no `retrieval` field. */
  pipelines?: { name: string; retrieval?: boolean; model?: unknown }[];
  models?: Record<string, unknown>;
  finetune?: Record<string, { data?: string; model?: string }>;
}

export function pipelineRoles(result: Pick<ResultView, 'run' | 'pipelines'>): PipelineRoles {
  const runIndex = result.run.indexAsOf;
  const config = result.run.config as StoredConfig;
  const finetunes = Object.entries(config.finetune ?? {});
  /** The entry a pipeline names as `finetune:<name>` (directly or through `models`): the result holds the lock's model id instead. */
  const lockedEntryOf = (pipeline: string) => {
    const m = config.pipelines?.find((c) => c.name === pipeline.split('@')[0])?.model;
    const ref = typeof m === 'string' ? (config.models?.[m] ?? m) : null;
    return typeof ref === 'string' && ref.startsWith('finetune:') ? finetunes.find(([name]) => `finetune:${name}` === ref) : undefined;
  };
  const finetuneOf = (pipeline: string, model: string) => {
    const [provider, ...rest] = model.split(':');
    const id = rest.join(':');
    const entry = lockedEntryOf(pipeline) ?? finetunes.find(([name, f]) => (provider === 'local' && name === id) || f.model === model);
    if (entry) return { data: entry[1].data ?? null };
    // OpenAI names its fine-tunes ft:<base>:<org>::<id>.
    return id.startsWith('ft:') ? { data: null } : null;
  };
  const custom = new Set((config.pipelines ?? []).filter((p) => typeof p.retrieval !== 'boolean').map((p) => p.name));
  // A custom pipeline that reports retrieved documents plays RAG; one that does not could be
  // anything (a closed-book model, a fine-tune), so it plays no part.
  const known = result.pipelines.filter((p) => !custom.has(p.name) || p.retrieval);
  const pipelines = known.map((p): RolePipeline => {
    const ft = finetuneOf(p.name, p.model);
    const role: Role = ft ? (p.retrieval ? 'hybrid' : 'fine-tuned') : p.retrieval ? 'rag' : 'closed-book';
    return { name: p.name, model: p.model, role, local: p.model.startsWith('local:'), finetuneData: ft?.data ?? null, indexAsOf: p.indexAsOf };
  });
  const current = pipelines.filter((p) => p.indexAsOf === null || p.indexAsOf === runIndex);
  return {
    pipelines,
    current,
    first: (role) => current.find((p) => p.role === role) ?? null,
    all: (role) => pipelines.filter((p) => p.role === role),
  };
}
