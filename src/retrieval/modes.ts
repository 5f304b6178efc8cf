/**
 * The catalogue of retrieval modes (`retrieval.mode`): which ranked lists each one reads. One list
 * is used as it is; several are fused by weighted reciprocal rank fusion (`retrieval.fusion`).
 * A new mode is one entry; a new kind of list is one source here and its builder in setup.ts.
 * Data only, so the config schema can read it without loading any index code.
 */
export const RETRIEVAL_SOURCES = ['dense', 'bm25'] as const;
export type RetrievalSource = (typeof RETRIEVAL_SOURCES)[number];

export interface RetrievalModeDef {
  sources: readonly RetrievalSource[];
  description: string;
}

export const RETRIEVAL_MODES = {
  dense: { sources: ['dense'], description: 'nearest chunks by embedding (HNSW index)' },
  bm25: { sources: ['bm25'], description: 'BM25 over analyzed words (no embedding model is built or called)' },
  hybrid: { sources: ['dense', 'bm25'], description: 'both lists fused by weighted reciprocal rank fusion' },
} as const satisfies Record<string, RetrievalModeDef>;

export type RetrievalMode = keyof typeof RETRIEVAL_MODES;
export const RETRIEVAL_MODE_IDS = Object.keys(RETRIEVAL_MODES) as [RetrievalMode, ...RetrievalMode[]];

/** Whether a mode needs the embedding model (and so its build, API key and preflight). */
export const modeUsesEmbeddings = (mode: RetrievalMode): boolean => (RETRIEVAL_MODES[mode].sources as readonly RetrievalSource[]).includes('dense');
