import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/**
 * Limits of the onnxruntime-node 1.14 bundled with @xenova/transformers 2.17: it loads IR <= 8
 * and opset <= 18. Gather has had its current form since opset 13.
 */
export const ONNX_IR_VERSION = 8;
export const ONNX_OPSET = 13;

/** Float32 values as little-endian bytes, as ONNX raw_data requires whatever the host order. */
function float32LeBytes(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return bytes;
}

/**
 * A static-embedding "transformer": last_hidden_state = Gather(embedding_table, input_ids).
 * The transformers.js feature-extraction pipeline feeds only the inputs a graph declares, so
 * declaring input_ids alone is enough; mean pooling and normalization happen in the pipeline.
 */
export function gatherModelBytes(table: Float32Array, vocabSize: number, dim: number): Uint8Array {
  if (table.length !== vocabSize * dim) throw new Error(`embedding table has ${table.length} values, expected ${vocabSize}x${dim}`);
  const { DataType } = onnx.TensorProto;
  const dynamic = (name: string) => ({ dimParam: name });
  const model = onnx.ModelProto.create({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'ragvft',
    producerVersion: '1',
    graph: {
      name: 'static_embeddings',
      node: [
        {
          name: 'lookup',
          opType: 'Gather',
          input: ['embedding_table', 'input_ids'],
          output: ['last_hidden_state'],
          attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }],
        },
      ],
      initializer: [{ name: 'embedding_table', dataType: DataType.FLOAT, dims: [vocabSize, dim], rawData: float32LeBytes(table) }],
      input: [
        {
          name: 'input_ids',
          type: { tensorType: { elemType: DataType.INT64, shape: { dim: [dynamic('batch_size'), dynamic('sequence_length')] } } },
        },
      ],
      output: [
        {
          name: 'last_hidden_state',
          type: {
            tensorType: {
              elemType: DataType.FLOAT,
              shape: { dim: [dynamic('batch_size'), dynamic('sequence_length'), { dimValue: dim }] },
            },
          },
        },
      ],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
