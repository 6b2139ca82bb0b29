import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { attribute, ModelBuilder } from './builder.js';
import { convertModel } from './convert.js';
import { ModelTooLargeError } from './errors.js';
import { checkInlineSize } from './inline-limit.js';
import { readModel } from './model-io.js';
import { floatTensor } from './tensor.js';

// The conversion's limit lowered to 4 KiB: a real 2 GiB model is out of reach of a test.
vi.mock('./inline-limit.js', async (original) => ({
  ...(await original<Record<string, unknown>>()),
  MAX_INLINE_BYTES: 4096,
}));

describe('models above what one protobuf message holds are refused before anything runs', () => {
  it('counts every tensor (initializers, Constant values, subgraphs) against the limit', () => {
    const b = new ModelBuilder(17);
    const x = b.input('x', [1, 4]);
    const w = b.floats([4, 4], new Array(16).fill(1)); // 64 bytes
    const c = b.fresh('c');
    b.nodes.push({
      name: c,
      opType: 'Constant',
      domain: '',
      input: [],
      output: [c],
      attribute: [attribute('value', floatTensor('', [8], new Array(8).fill(2)))], // 32 bytes
    });
    b.output(b.op('Add', [b.op('MatMul', [x, w]), c]), [1, 8]);
    const model = b.build();
    expect(() => checkInlineSize(model, 'f', 96)).not.toThrow();
    let error: unknown;
    try {
      checkInlineSize(model, 'f', 95);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ModelTooLargeError);
    expect(error).toMatchObject({ bytes: 96, limit: 95 });
    expect((error as Error).message).toMatch(
      /^f: the model's tensors take 96 bytes \(0\.00 GiB\), more than the 95 \(0\.00 GiB\) of one protobuf message, and onnxruntime is handed the model as one serialized message/,
    );
  });

  it('convertModel refuses a model over the limit before the probe runs', async () => {
    const model = readModel(fileURLToPath(new URL('../fixtures/repvgg_bn.onnx', import.meta.url)));
    const progress = vi.fn();
    await expect(convertModel(model, { onProgress: progress })).rejects.toThrow(
      /^analyzeModel: the model's tensors take \d+ bytes .* more than the 4096 \(0\.00 GiB\) .*cannot be converted yet$/,
    );
    expect(progress).not.toHaveBeenCalled();
  });
});
