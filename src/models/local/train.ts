/**
 * Training, saving and loading of local fine-tunes (the memory in memory.ts).
 *
 * Plain SGD (one example per step) on softmax cross-entropy, `epochs` passes in an order shuffled
 * by a seeded PRNG. All arithmetic is float64 in a fixed order, so the same data, options and seed
 * give byte-identical weights.json.
 *
 * Training is a generator that pauses every few steps (trainSteps), so the same loop runs to the
 * end in a worker thread (the local-model pool, which terminates it on abort) or in short slices
 * on the calling thread (trainInSlices: inline mode), where it yields to the event loop and
 * honours an abort signal between slices.
 */
import { mulberry32 } from '../../util/rng.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { FinetuneExample } from '../../dataset/schema.js';
import { writeFileAtomic } from '../../util/fs.js';
import { sha256 } from '../../util/hash.js';
import { encodeF32, encodeU32, featurize, softmax, WEIGHTS_FORMAT, WEIGHTS_VERSION, type LocalFinetuneWeights } from './memory.js';
import { parseUserPrompt } from './prompt.js';
import { countTokens } from './text.js';

/**
 * Weights smaller than this are dropped when saving. Nearly all entries are the small negative
 * updates every class gets for features it does not own. On the example fixture's paraphrase
 * set, pruning at 0.1 shrinks weights.json from 9.7 MB to 0.73 MB with the same answers on the
 * trained facts.
 */
export const PRUNE_BELOW = 0.1;

export interface TrainOptions {
  epochs: number;
  learningRate: number;
  /** Hash buckets (the memory's capacity). */
  features: number;
  seed: number;
}

export interface TrainStats {
  examples: number;
  /** Tokens of all messages of all examples, one epoch, counted with `countTokens`. */
  trainingTokens: number;
  epochs: number;
  seconds: number;
  classes: number;
}

export interface TrainResult {
  weights: LocalFinetuneWeights;
  stats: TrainStats;
}

/** SGD steps between two pauses of trainSteps: far less work than a slice of trainInSlices. */
const STEPS_PER_PAUSE = 64;

/** Trains to the end on the calling thread (blocking it). */
export function trainLocalFinetune(examples: FinetuneExample[], opts: TrainOptions): TrainResult {
  const steps = trainSteps(examples, opts);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * Trains on the calling thread in slices of about `sliceMs`, yielding to its event loop between
 * them: timers and signal handlers run, and an abort of `signal` stops training at the next slice.
 */
export async function trainInSlices(examples: FinetuneExample[], opts: TrainOptions, signal?: AbortSignal, sliceMs = 10): Promise<TrainResult> {
  const steps = trainSteps(examples, opts);
  for (;;) {
    signal?.throwIfAborted();
    const until = performance.now() + sliceMs;
    let r = steps.next();
    while (!r.done && performance.now() < until) r = steps.next();
    if (r.done) return r.value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The training loop, pausing (yield) every STEPS_PER_PAUSE steps; returns the weights. */
function* trainSteps(examples: FinetuneExample[], opts: TrainOptions): Generator<void, TrainResult, void> {
  const t0 = performance.now();
  if (!(opts.features >= 1 && Number.isInteger(opts.features))) throw new Error(`features must be a positive integer, got ${opts.features}`);

  const classes: string[] = [];
  const classOf = new Map<string, number>();
  const data = examples.map((ex) => {
    const user = ex.messages.filter((m) => m.role === 'user').at(-1)!.content;
    const answer = ex.messages.at(-1)!.content.trim();
    if (!classOf.has(answer)) {
      classOf.set(answer, classes.length);
      classes.push(answer);
    }
    return { x: featurize(parseUserPrompt(user).question, opts.features), y: classOf.get(answer)! };
  });

  // Only buckets some example uses ever get a gradient: keep rows for those alone.
  const rows = new Map<number, Float64Array>();
  for (const { x } of data) for (const b of x.index) if (!rows.has(b)) rows.set(b, new Float64Array(classes.length));
  const examplesRows = data.map(({ x }) => x.index.map((b) => rows.get(b)!));

  const rand = mulberry32(opts.seed);
  const order = data.map((_, i) => i);
  const p = new Float64Array(classes.length);
  const C = classes.length;
  let step = 0;
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const idx of order) {
      const { x, y } = data[idx]!;
      const xr = examplesRows[idx]!;
      p.fill(0);
      for (let k = 0; k < xr.length; k++) {
        const row = xr[k]!;
        const v = x.value[k]!;
        for (let c = 0; c < C; c++) p[c]! += row[c]! * v;
      }
      softmax(p);
      p[y]! -= 1; // gradient of cross-entropy w.r.t. the scores
      for (let k = 0; k < xr.length; k++) {
        const row = xr[k]!;
        const rate = opts.learningRate * x.value[k]!;
        for (let c = 0; c < C; c++) row[c]! -= rate * p[c]!;
      }
      if (++step % STEPS_PER_PAUSE === 0) yield;
    }
  }

  const weights = packWeights(rows, classes, opts.features);
  const trainingTokens = examples.reduce((s, ex) => s + ex.messages.reduce((t, m) => t + countTokens(m.content), 0), 0);
  return {
    weights,
    stats: { examples: examples.length, trainingTokens, epochs: opts.epochs, seconds: (performance.now() - t0) / 1000, classes: classes.length },
  };
}

/** Sparse per-class storage (CSR), pruned, buckets ascending within each class. */
function packWeights(rows: Map<number, Float64Array>, classes: string[], features: number): LocalFinetuneWeights {
  const sortedBuckets = [...rows.keys()].sort((a, b) => a - b);
  const offsets = [0];
  const buckets: number[] = [];
  const values: number[] = [];
  for (let c = 0; c < classes.length; c++) {
    for (const b of sortedBuckets) {
      const w = rows.get(b)![c]!;
      if (Math.abs(w) >= PRUNE_BELOW) {
        buckets.push(b);
        values.push(w);
      }
    }
    offsets.push(buckets.length);
  }
  return {
    format: WEIGHTS_FORMAT,
    version: WEIGHTS_VERSION,
    features,
    classes,
    offsets: encodeU32(offsets),
    buckets: encodeU32(buckets),
    values: encodeF32(values),
  };
}

const WeightsSchema = z.object({
  format: z.literal(WEIGHTS_FORMAT),
  version: z.literal(WEIGHTS_VERSION),
  features: z.number().int().positive(),
  classes: z.array(z.string()),
  offsets: z.string(),
  buckets: z.string(),
  values: z.string(),
  /** weightsChecksum() of the fields above, written by saveLocalFinetune and verified on load. */
  checksum: z.string().optional(),
});

/**
 * sha256 over the weights' content, in a fixed field order. A flipped byte inside the base64
 * arrays still parses and passes the shape checks, and would silently change answers: the
 * checksum makes such a file fail to load, so ensureLocalFinetune retrains it.
 */
export function weightsChecksum(w: LocalFinetuneWeights): string {
  return sha256(JSON.stringify([w.format, w.version, w.features, w.classes, w.offsets, w.buckets, w.values]));
}

/** Writes `weights.json` then `manifest.json` (each via temp file + rename); the manifest marks a complete fine-tune. */
export async function saveLocalFinetune(dir: string, weights: LocalFinetuneWeights, manifest: object): Promise<void> {
  const { format, version, features, classes, offsets, buckets, values } = weights;
  const stored = { format, version, features, classes, offsets, buckets, values, checksum: weightsChecksum(weights) };
  await writeFileAtomic(join(dir, 'weights.json'), JSON.stringify(stored));
  await writeFileAtomic(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

export async function loadLocalFinetune(dir: string): Promise<LocalFinetuneWeights> {
  const path = join(dir, 'weights.json');
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new Error(`cannot load local fine-tune weights from ${path}: ${(e as Error).message}`);
  }
  const parsed = WeightsSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${path} is not local fine-tune weights (format ${WEIGHTS_FORMAT} v${WEIGHTS_VERSION}): ${parsed.error.issues[0]?.message}`);
  const weights = parsed.data as LocalFinetuneWeights & { checksum?: string };
  if (weights.checksum === undefined) throw new Error(`${path} has no checksum (written by an older version), so it cannot be verified: retrain it`);
  if (weights.checksum !== weightsChecksum(weights)) throw new Error(`${path} failed its checksum (damaged or edited): retrain it`);
  return weights;
}
