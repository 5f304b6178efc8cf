import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../util/errors.js';
import { checkEmbeddingModel } from './model-folder.js';

const root = mkdtempSync(join(tmpdir(), 'ragvft-model-folder-'));
const models = join(root, 'models');
const put = (rel: string) => {
  mkdirSync(join(models, rel, '..'), { recursive: true });
  writeFileSync(join(models, rel), 'x');
};
put('org/full/onnx/model.onnx');
put('org/q-only/onnx/model_quantized.onnx');
const config = (model: string, over: Record<string, unknown> = {}) =>
  ({ cacheDir: join(root, 'cache'), embedding: { model, localModelPath: models, quantized: false, allowRemoteModels: false, dim: 8, batchSize: 8, ...over } }) as Parameters<typeof checkEmbeddingModel>[0];

describe('checkEmbeddingModel', () => {
  it('accepts a present folder with the weights the config asks for', () => {
    expect(() => checkEmbeddingModel(config('org/full'))).not.toThrow();
    expect(() => checkEmbeddingModel(config('org/q-only', { quantized: true }))).not.toThrow();
  });

  it('names the missing folder, or the other weights variant with the quantized fix', () => {
    expect(() => checkEmbeddingModel(config('org/absent'))).toThrow(InputError);
    expect(() => checkEmbeddingModel(config('org/absent'))).toThrow(/there is no folder .*org\/absent/);
    expect(() => checkEmbeddingModel(config('org/q-only'))).toThrow(/set embedding\.quantized: true/);
    expect(() => checkEmbeddingModel(config('org/full', { quantized: true }))).toThrow(/set embedding\.quantized: false/);
  });

  it('leaves local models, API models and allowed downloads alone', () => {
    for (const c of [config('local:ppmi-svd'), config('openai:text-embedding-3-small'), config('org/absent', { allowRemoteModels: true })]) expect(() => checkEmbeddingModel(c)).not.toThrow();
  });
});
