/**
 * The LanceDB store (`retrieval.store: 'lancedb'`): one Lance table on disk per index folder, an
 * ANN index (IVF-PQ or IVF-HNSW-SQ, `retrieval.lancedb`) built once the table holds `minRows`
 * chunks, exact search below that. The temporal and group filters are SQL `where` clauses on
 * columns of their own (valid_from, valid_to, is_public, access), applied before the vector
 * search (LanceDB's default prefilter), so k visible chunks come back whenever k exist.
 *
 * `@lancedb/lancedb` is an optional dependency (it declares Node >= 22; npm skips it on older
 * Nodes) and is loaded only here, on first use. Its types are not imported, so the project
 * type-checks where it is not installed; the few calls used are typed below.
 */
import { mkdir, readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../util/fs.js';
import type { Chunk } from '../chunk.js';
import { assertFiniteVector } from '../embedding/validate.js';
import { describeFieldChanges } from './hnsw-file.js';
import { checkIdentity, type KeyedChunk, type OpenedStore, type StoreFilter, type StoreHit, type StoreIdentity, type StoreOpenOptions, type StoreSettings, type VectorStore } from './types.js';

const LANCEDB = '@lancedb/lancedb';
const ARROW = 'apache-arrow';
const TABLE = 'chunks';
const MANIFEST = 'store-manifest.json';
const FORMAT_VERSION = 1;
/** Keys per DELETE statement. */
const DELETE_BATCH = 500;

interface LanceQuery {
  where(sql: string): LanceQuery;
  select(cols: string[]): LanceQuery;
  limit(n: number): LanceQuery;
  distanceType(t: string): LanceQuery;
  nprobes(n: number): LanceQuery;
  refineFactor(n: number): LanceQuery;
  toArray(): Promise<Array<Record<string, unknown>>>;
}
interface LanceTable {
  add(rows: unknown): Promise<unknown>;
  delete(predicate: string): Promise<unknown>;
  countRows(filter?: string): Promise<number>;
  query(): LanceQuery;
  vectorSearch(v: Float32Array): LanceQuery;
  createIndex(column: string, opts: { config: unknown; replace?: boolean }): Promise<void>;
  listIndices(): Promise<Array<{ name: string; indexType: string; columns: string[] }>>;
  optimize(): Promise<unknown>;
  close(): void;
}
interface LanceConnection {
  tableNames(): Promise<string[]>;
  openTable(name: string): Promise<LanceTable>;
  createEmptyTable(name: string, schema: unknown, opts?: { mode?: 'create' | 'overwrite' }): Promise<LanceTable>;
  close(): void;
}
interface LanceModule {
  connect(uri: string): Promise<LanceConnection>;
  Index: { ivfPq(o: object): unknown; hnswSq(o: object): unknown };
}
type ArrowModule = Record<string, new (...args: never[]) => unknown> & {
  Schema: new (fields: unknown[]) => unknown;
  Field: new (name: string, type: unknown, nullable?: boolean) => unknown;
};

let loading: Promise<{ lance: LanceModule; arrow: ArrowModule }> | undefined;

/** Null when LanceDB loads here; else why not, in one line. */
export async function lancedbUnavailable(): Promise<string | null> {
  try {
    await loadLance();
    return null;
  } catch (e) {
    const major = Number(process.versions.node.split('.')[0]);
    const why = (e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' ? 'is not installed' : `does not load (${(e as Error).message.split('\n')[0]})`;
    return `${LANCEDB} ${why}${major < 22 ? ` (it needs Node >= 22, this is ${process.version}; npm skips it on older Nodes)` : ''}: it is an optional dependency, \`npm install ${LANCEDB}\` on Node >= 22`;
  }
}

function loadLance() {
  // Its Rust logger prints warnings (e.g. "No existing dataset … will be created" for every new table) to stderr; errors are enough.
  process.env.LANCEDB_LOG ??= 'error';
  loading ??= Promise.all([import(LANCEDB) as Promise<LanceModule>, import(ARROW) as Promise<ArrowModule>]).then(([lance, arrow]) => ({ lance, arrow }));
  loading.catch(() => (loading = undefined));
  return loading;
}

const ManifestSchema = z.strictObject({ formatVersion: z.literal(FORMAT_VERSION), embeddingModel: z.string(), dim: z.number().int().positive(), space: z.enum(['cosine', 'ip', 'l2']) });
type Manifest = z.infer<typeof ManifestSchema>;
const CHANGES: Array<[keyof Manifest, string]> = [
  ['embeddingModel', 'embedding model changed'],
  ['dim', 'embedding dimension changed'],
  ['space', 'distance space changed'],
  ['formatVersion', 'store format changed'],
];
const DISTANCE = { cosine: 'cosine', l2: 'l2', ip: 'dot' } as const;

export async function openLancedbStore({ dir, identity, settings }: StoreOpenOptions): Promise<OpenedStore> {
  checkIdentity(identity);
  const { lance, arrow } = await loadLance();
  const wanted: Manifest = { formatVersion: FORMAT_VERSION, ...identity };
  await mkdir(dir, { recursive: true });
  const db = await lance.connect(join(dir, 'db'));
  const reason = await storedMismatch(dir, wanted);
  const exists = (await db.tableNames()).includes(TABLE);
  let table: LanceTable;
  let keys: Set<string>;
  if (exists && reason === null) {
    table = await db.openTable(TABLE);
    keys = new Set((await table.query().select(['key']).toArray()).map((r) => String(r.key)));
  } else {
    table = await db.createEmptyTable(TABLE, tableSchema(arrow, identity.dim), { mode: 'overwrite' });
    keys = new Set();
    await writeFileAtomic(join(dir, MANIFEST), `${JSON.stringify(wanted, null, 2)}\n`);
  }
  return { store: new LancedbStore(dir, lance, db, table, keys, identity, settings), reason: exists && reason !== null ? reason : undefined };
}

/** Why the stored table does not fit (null: it fits, or there is none). */
async function storedMismatch(dir: string, wanted: Manifest): Promise<string | null> {
  const text = await readFile(join(dir, MANIFEST), 'utf8').catch(() => undefined);
  if (text === undefined) return `${MANIFEST} is missing`;
  const parsed = ManifestSchema.safeParse((() => { try { return JSON.parse(text); } catch { return undefined; } })());
  if (!parsed.success) return `${MANIFEST} is invalid`;
  const changes = describeFieldChanges(parsed.data, wanted, CHANGES);
  return changes.length > 0 ? changes.join('; ') : null;
}

function tableSchema(a: ArrowModule, dim: number) {
  const F = a.Field;
  const utf8 = () => new a.Utf8!();
  return new a.Schema([
    new F('key', utf8(), false),
    new F('vector', new a.FixedSizeList!(dim as never, new F('item', new a.Float32!(), true) as never), false),
    new F('chunk', utf8(), false),
    new F('valid_from', utf8(), true),
    new F('valid_to', utf8(), true),
    new F('is_public', new a.Bool!(), false),
    new F('access', new a.List!(new F('item', utf8(), true) as never), false),
  ]);
}

/** A SQL string literal. */
const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** The filter as a LanceDB `where` clause (undefined: no filter), the same rule as isVisible in types.ts. */
export function filterSql(filter: StoreFilter): string | undefined {
  const parts: string[] = [];
  if (filter.asOf !== undefined) {
    const d = lit(filter.asOf);
    parts.push(`(valid_from IS NULL OR valid_from <= ${d}) AND (valid_to IS NULL OR valid_to > ${d})`);
  }
  if (filter.groups !== undefined) {
    parts.push(filter.groups.length === 0 ? 'is_public' : `(is_public OR array_has_any(access, [${filter.groups.map(lit).join(', ')}]))`);
  }
  return parts.length ? parts.join(' AND ') : undefined;
}

class LancedbStore implements VectorStore {
  constructor(
    private readonly dir: string,
    private readonly lance: LanceModule,
    private readonly db: LanceConnection,
    private readonly table: LanceTable,
    private readonly stored: Set<string>,
    private readonly identity: StoreIdentity,
    private readonly settings: StoreSettings,
  ) {}

  get size(): number {
    return this.stored.size;
  }

  keys(): ReadonlySet<string> {
    return new Set(this.stored);
  }

  async add(items: readonly KeyedChunk[], vectors: readonly Float32Array[]): Promise<void> {
    if (vectors.length !== items.length) throw new Error(`lancedb store: ${vectors.length} vectors for ${items.length} chunks`);
    const rows = items.map(({ key, chunk }, i) => {
      assertFiniteVector(vectors[i]!, this.identity.dim, `vector of chunk ${chunk.id}`);
      if (this.stored.has(key)) throw new Error(`lancedb store: chunk ${chunk.id} is already stored`);
      const access = chunk.access ?? [];
      return { key, vector: Array.from(vectors[i]!), chunk: JSON.stringify(chunk), valid_from: chunk.validFrom ?? null, valid_to: chunk.validTo ?? null, is_public: access.length === 0, access };
    });
    if (rows.length === 0) return;
    await this.table.add(rows);
    for (const { key } of items) this.stored.add(key);
  }

  async remove(keys: readonly string[]): Promise<void> {
    const present = keys.filter((k) => this.stored.has(k));
    for (let i = 0; i < present.length; i += DELETE_BATCH) {
      const batch = present.slice(i, i + DELETE_BATCH);
      await this.table.delete(`key IN (${batch.map(lit).join(', ')})`);
      for (const k of batch) this.stored.delete(k);
    }
  }

  async search(vector: Float32Array, k: number, filter: StoreFilter = {}): Promise<StoreHit[]> {
    if (!Number.isInteger(k) || k < 1) throw new Error(`k must be a positive integer (got ${k})`);
    assertFiniteVector(vector, this.identity.dim, 'query vector');
    if (this.size === 0) return [];
    let q = this.table.vectorSearch(vector).distanceType(DISTANCE[this.identity.space]).select(['chunk', '_distance']).limit(k);
    const where = filterSql(filter);
    if (where !== undefined) q = q.where(where);
    if (this.settings.lancedb.index !== 'none') {
      q = q.nprobes(this.settings.lancedb.nprobes);
      if (this.settings.lancedb.refineFactor !== undefined) q = q.refineFactor(this.settings.lancedb.refineFactor);
    }
    const rows = await q.toArray();
    return rows
      .map((r) => ({ chunk: JSON.parse(String(r.chunk)) as Chunk, distance: Number(r._distance) }))
      .sort((a, b) => a.distance - b.distance || (a.chunk.id < b.chunk.id ? -1 : a.chunk.id > b.chunk.id ? 1 : 0));
  }

  /** Rows are durable once added; saving builds the ANN index once the table is large enough, or folds new rows into it. */
  async save(): Promise<void> {
    const { index, minRows } = this.settings.lancedb;
    if (index === 'none' || this.size < minRows) return;
    const indexed = (await this.table.listIndices()).some((i) => i.columns.includes('vector'));
    if (indexed) await this.table.optimize();
    else await this.table.createIndex('vector', { config: this.indexConfig() });
  }

  /** The ANN index of `retrieval.lancedb.index`, with its parameters (for reports). */
  indexConfig(): unknown {
    const { index, partitions } = this.settings.lancedb;
    const common = { distanceType: DISTANCE[this.identity.space], ...(partitions !== undefined ? { numPartitions: partitions } : {}) };
    return index === 'ivf-pq' ? this.lance.Index.ivfPq(common) : this.lance.Index.hnswSq(common);
  }

  diskBytes(): Promise<number> {
    return duBytes(this.dir);
  }

  async close(): Promise<void> {
    this.table.close();
    this.db.close();
  }
}

async function duBytes(path: string): Promise<number> {
  const s = await stat(path);
  if (!s.isDirectory()) return s.size;
  let total = 0;
  for (const name of await readdir(path)) total += await duBytes(join(path, name));
  return total;
}
