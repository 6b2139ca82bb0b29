import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelBuilder } from './builder.js';
import { UsageError } from './errors.js';
import { withExternalData } from './external-data-out.js';
import { readModel, serializeModel, writeModel } from './model-io.js';
import { runModel } from './ort-run.js';
import type { ModelProto } from './proto.js';
import { tensorValues } from './tensor.js';

/** x -> Conv (128 KiB weight) -> Add (small bias): one large and one small initializer. */
function model(): ModelProto {
  const b = new ModelBuilder(17);
  const x = b.input('x', [1, 32, 4, 4]);
  const n = 32 * 32 * 4 * 8; // 128 KiB of float32
  const w = b.floats(
    [32, 32, 4, 8],
    Array.from({ length: n }, (_, i) => Math.sin(i) * 0.01),
  );
  const y = b.op('Conv', [x, w], { kernel_shape: [4, 8], pads: [2, 4, 1, 3] });
  b.output(b.op('Add', [y, b.floats([1], [0.5])]), [1, 32, 4, 4]);
  return b.build();
}

const feeds = {
  x: {
    dims: [1, 32, 4, 4],
    data: Float32Array.from({ length: 512 }, (_, i) => Math.cos(i)),
    type: 'float32',
  },
};

describe('writeModel with external data', () => {
  it('initializers of at least the threshold go to <name>.data next to it; the rest stay inline; it reads back the same and runs the same', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reparam-ext-'));
    const m = model();
    const written = writeModel(join(dir, 'out.onnx'), m, { externalData: 1024 });
    expect(readdirSync(dir).sort()).toEqual(['out.onnx', 'out.onnx.data']);
    const dataBytes = statSync(join(dir, 'out.onnx.data')).size;
    expect(dataBytes).toBe(32 * 32 * 4 * 8 * 4);
    expect(statSync(join(dir, 'out.onnx')).size).toBeLessThan(2048);
    expect(written).toBe(dataBytes + statSync(join(dir, 'out.onnx')).size);
    const back = readModel(join(dir, 'out.onnx'));
    const [w, bias] = back.graph!.initializer;
    expect(tensorValues(w)).toEqual(tensorValues(m.graph!.initializer[0]));
    expect(bias.dataLocation ?? 0).toBe(0); // 4 bytes: inline
    const want = await runModel(serializeModel(m), feeds);
    const got = await runModel(serializeModel(back), feeds);
    expect(got.get(m.graph!.output[0].name!)!.data).toEqual(
      want.get(m.graph!.output[0].name!)!.data,
    );
  });

  it('is automatic when the initializers would not fit inline (limit lowered here from 2 GiB)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reparam-ext-'));
    writeModel(join(dir, 'big.onnx'), model(), { maxInlineBytes: 2 ** 16 });
    expect(readdirSync(dir).sort()).toEqual(['big.onnx', 'big.onnx.data']);
    writeModel(join(dir, 'small.onnx'), model(), { maxInlineBytes: 2 ** 18 });
    expect(readdirSync(dir)).not.toContain('small.onnx.data');
  });

  it('never writes over a protected data file, nor over an existing one without overwrite; no temporary file stays', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reparam-ext-'));
    const data = join(dir, 'out.onnx.data');
    writeFileSync(data, 'the input reads this');
    expect(() =>
      writeModel(join(dir, 'out.onnx'), model(), { externalData: 0, protect: [data] }),
    ).toThrow(UsageError);
    expect(() =>
      writeModel(join(dir, 'out.onnx'), model(), { externalData: 0, overwrite: false }),
    ).toThrow(/out\.onnx\.data' already exists/);
    expect(readFileSync(data, 'utf8')).toBe('the input reads this');
    expect(readdirSync(dir)).toEqual(['out.onnx.data']);
  });
});

describe('withExternalData', () => {
  it('aligns tensors of 1 MiB or more to 4 KiB pages and records offset and length', () => {
    const b = new ModelBuilder(17);
    b.floats([25], new Array<number>(25).fill(1), 'small');
    b.floats([2 ** 18], new Array<number>(2 ** 18).fill(2), 'large');
    const { model: out, pieces, size } = withExternalData(b.build(), 0, 'm.onnx.data');
    expect(pieces.map((p) => [p.offset, p.bytes.length])).toEqual([
      [0, 100],
      [4096, 2 ** 20],
    ]);
    expect(size).toBe(4096 + 2 ** 20);
    const entries = out.graph!.initializer[1].externalData;
    expect(entries).toEqual([
      { key: 'location', value: 'm.onnx.data' },
      { key: 'offset', value: '4096' },
      { key: 'length', value: String(2 ** 20) },
    ]);
    expect(out.graph!.initializer[1].dataLocation).toBe(1);
  });
});
