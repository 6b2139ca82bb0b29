import {
  mkdtempSync,
  readFileSync,
  writeFileSync,
  existsSync,
  symlinkSync,
  mkdirSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelBuilder, float } from './builder.js';
import { OnnxFormatError, UsageError } from './errors.js';
import { parseModel, readModel, serializeModel, writeModel } from './model-io.js';
import { runModel } from './ort-run.js';
import { encodeModel } from './proto.js';
import { tensorValues } from './tensor.js';

function smallModel(opset: number) {
  const b = new ModelBuilder(opset, 'small');
  const x = b.input('x', ['batch', 2, 4, 4]);
  const w = b.floats(
    [3, 2, 3, 3],
    Array.from({ length: 54 }, (_, i) => Math.sin(i)),
    'conv.weight',
  );
  const y = b.op('Conv', [x, w], { pads: [1, 1, 1, 1] });
  const c = b.node('Constant', [], { value: b.initializers[0] })[0];
  b.nodes[b.nodes.length - 1].attribute[0] = {
    ...b.nodes[b.nodes.length - 1].attribute[0],
    name: 'value',
  };
  const shift = b.op('Mul', [y, b.floats([1], [2])]);
  const z = b.op('Add', [shift, b.op('ReduceSum', [c], { keepdims: 0 })]);
  b.output(z, ['batch', 3, 4, 4]);
  const model = b.build({ author: 'tests', 'reparam.note': 'é ünïcode' });
  model.graph!.valueInfo.push({
    name: y,
    type: {
      tensorType: {
        elemType: 1,
        shape: { dim: [{ dimParam: 'batch' }, { dimValue: 3 }, { dimValue: 4 }, { dimValue: 4 }] },
      },
    },
  });
  model.docString = 'doc';
  void float;
  return model;
}

describe('read -> write -> read', () => {
  for (const opset of [13, 17, 21]) {
    it(`preserves opset ${opset}, names, metadata, value infos, Constant nodes and initializers`, () => {
      const model = smallModel(opset);
      const bytes = serializeModel(model);
      const back = parseModel(bytes);
      expect(back.opsetImport).toEqual([{ domain: '', version: opset }]);
      expect(back.metadataProps).toEqual(model.metadataProps);
      expect(back.graph!.node.map((n) => [n.name, n.opType, n.input, n.output])).toEqual(
        model.graph!.node.map((n) => [n.name, n.opType, n.input, n.output]),
      );
      expect(back.graph!.valueInfo).toEqual(model.graph!.valueInfo);
      expect(back.graph!.input).toEqual(model.graph!.input);
      expect(back.docString).toBe('doc');
      expect(Array.from(tensorValues(back.graph!.initializer[0]))).toEqual(
        Array.from(tensorValues(model.graph!.initializer[0])),
      );
      expect(serializeModel(back)).toEqual(bytes);
    });
  }

  it('round-trips int64 extremes used by Slice (INT64_MAX, INT64_MIN)', () => {
    const b = new ModelBuilder(17);
    const x = b.input('x', [1, 1, 4, 4]);
    const y = b.op('Slice', [x, b.ints([1], [1]), b.ints([1], [2 ** 63]), b.ints([1], [3])]);
    b.nodes[0].attribute.push({
      name: 'big',
      type: 7,
      ints: [2 ** 63, -(2 ** 63)],
      floats: [],
      strings: [],
      tensors: [],
      graphs: [],
    });
    b.output(y, [1, 1, 4, 3]);
    const bytes = serializeModel(b.build());
    const again = serializeModel(parseModel(bytes));
    expect(again).toEqual(bytes);
  });

  it('the written model runs in onnxruntime-web with the same result as the original bytes', async () => {
    const model = smallModel(17);
    const x = {
      dims: [1, 2, 4, 4],
      data: Float32Array.from({ length: 32 }, (_, i) => Math.cos(i)),
      type: 'float32',
    };
    const a = await runModel(serializeModel(model), { x });
    const b = await runModel(serializeModel(parseModel(serializeModel(model))), { x });
    expect(Array.from(b.values().next().value!.data as Float32Array)).toEqual(
      Array.from(a.values().next().value!.data as Float32Array),
    );
  });
});

describe('writeModel', () => {
  it('writes atomically and never overwrites a protected input', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reparam-io-'));
    const path = join(dir, 'm.onnx');
    writeModel(path, smallModel(13));
    expect(readModel(path).graph!.name).toBe('small');
    const before = readFileSync(path);
    expect(() => writeModel(join(dir, '.', 'm.onnx'), smallModel(17), { protect: [path] })).toThrow(
      UsageError,
    );
    expect(readFileSync(path)).toEqual(before);
  });
});

describe('external data', () => {
  function externalModel(location: string) {
    const model = smallModel(17);
    const w = model.graph!.initializer[0];
    const raw = w.rawData!;
    w.rawData = undefined;
    w.dataLocation = 1;
    w.externalData = [
      { key: 'location', value: location },
      { key: 'offset', value: '0' },
      { key: 'length', value: String(raw.length) },
    ];
    return { model, raw };
  }

  it('is read from inside the model folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reparam-ext-'));
    const { model, raw } = externalModel('weights.bin');
    writeFileSync(join(dir, 'weights.bin'), raw);
    writeFileSync(join(dir, 'm.onnx'), encodeModel(model));
    const back = readModel(join(dir, 'm.onnx'));
    expect(Array.from(back.graph!.initializer[0].rawData!)).toEqual(Array.from(raw));
  });

  it('is refused outside the model folder, through .., absolute paths and symlinks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reparam-ext-'));
    mkdirSync(join(dir, 'model'));
    const { raw } = externalModel('x');
    writeFileSync(join(dir, 'secret.bin'), raw);
    symlinkSync(join(dir, 'secret.bin'), join(dir, 'model', 'link.bin'));
    for (const location of ['../secret.bin', join(dir, 'secret.bin'), 'link.bin']) {
      writeFileSync(join(dir, 'model', 'm.onnx'), encodeModel(externalModel(location).model));
      expect(() => readModel(join(dir, 'model', 'm.onnx'))).toThrow(OnnxFormatError);
    }
    writeFileSync(join(dir, 'model', 'm.onnx'), encodeModel(externalModel('missing.bin').model));
    expect(() => readModel(join(dir, 'model', 'm.onnx'))).toThrow(
      /cannot read external file 'missing.bin': it does not exist/,
    );
    expect(existsSync(join(dir, 'model', 'm.onnx'))).toBe(true);
  });
});
