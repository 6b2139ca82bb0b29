import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ModelBuilder } from './builder.js';
import { convertModel } from './convert.js';
import { OnnxFormatError } from './errors.js';
import { fuzzOne, mutate } from './_internal/fuzz.js';
import { parseModel, serializeModel } from './model-io.js';
import { DataType, floatTensor, rawTensor } from './tensor.js';
import { ifWithEndlessLoop } from './test-helpers/subgraphs.js';

const fixture = readFileSync(fileURLToPath(new URL('../fixtures/repvgg_bn.onnx', import.meta.url)));

function oneConv() {
  const b = new ModelBuilder(17);
  const x = b.input('x', [1, 2, 4, 4]);
  const w = b.floats([2, 2, 1, 1], [1, 0, 0, 1]);
  b.output(b.op('Conv', [x, w]), [1, 2, 4, 4]);
  return b;
}

describe('bad inputs are refused with one-line named errors', () => {
  it('truncated files', () => {
    for (const n of [1, 10, 100, fixture.length >> 1, fixture.length - 1]) {
      expect(() => parseModel(fixture.subarray(0, n))).toThrow(OnnxFormatError);
    }
  });

  it('random bytes', () => {
    const bytes = Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24);
    expect(() => parseModel(bytes)).toThrow(OnnxFormatError);
  });

  it('a graph with a cycle', () => {
    const b = oneConv();
    b.nodes.push(
      { name: 'a', opType: 'Relu', input: ['t2'], output: ['t1'], attribute: [] },
      { name: 'b', opType: 'Relu', input: ['t1'], output: ['t2'], attribute: [] },
    );
    expect(() => parseModel(serializeModel(b.build()))).toThrow(/cycle through node (a|b)/);
  });

  it('a missing initializer', () => {
    const b = oneConv();
    b.initializers.length = 0;
    expect(() => parseModel(serializeModel(b.build()))).toThrow(
      /reads 'w_0', which no node, graph input or initializer provides/,
    );
  });

  it('stored data that does not match the declared dims', () => {
    const b = oneConv();
    b.initializers[0] = floatTensor('w_0', [2, 2, 3, 3], [1, 0, 0, 1]);
    expect(() => parseModel(serializeModel(b.build()))).toThrow(
      /raw data has 16 bytes, dims \[2, 2, 3, 3\] need 144/,
    );
  });

  it('huge declared sizes', () => {
    const b = oneConv();
    b.initializers[0] = { ...floatTensor('w_0', [1], [1]), dims: [1e9, 1e9] };
    expect(() => parseModel(serializeModel(b.build()))).toThrow(/declare more than/);
    const c = oneConv();
    c.inputs[0].type!.tensorType!.shape!.dim = [
      { dimValue: 100000 },
      { dimValue: 2 },
      { dimValue: 4096 },
      { dimValue: 4096 },
    ];
    return expect(convertModel(c.build())).rejects.toThrow(
      /input 'x': dims \[100000, 2, 4096, 4096\] declare more than/,
    );
  });

  it('weights with the wrong number of channels are reported by onnxruntime as a format error', async () => {
    const b = oneConv();
    b.initializers[0] = floatTensor('w_0', [2, 3, 1, 1], [1, 0, 0, 1, 0, 0]);
    await expect(convertModel(b.build())).rejects.toThrow(OnnxFormatError);
  });

  it('a Loop (whose trip count could keep the probe running) is refused before anything runs', async () => {
    const b = oneConv();
    b.nodes.push({ name: 'forever', opType: 'Loop', input: ['', ''], output: [], attribute: [] });
    await expect(convertModel(b.build())).rejects.toThrow(/node forever is a Loop/);
  });

  it('a Loop that never ends inside an If branch is refused before anything runs', async () => {
    const b = oneConv();
    b.initializers.push(rawTensor('yes', [], DataType.BOOL, Uint8Array.of(1)));
    b.nodes.push(ifWithEndlessLoop(b.outputs[0].name!, 'yes', 'z'));
    b.output('z', [1, 2, 4, 4]);
    await expect(convertModel(b.build(), { timeoutMs: 10_000 })).rejects.toThrow(
      /node endless is a Loop; models with loops \(at any depth\) are refused/,
    );
  });

  it('an opset outside 1-21', async () => {
    const b = new ModelBuilder(22);
    b.output(b.op('Relu', [b.input('x', [1, 1, 2, 2])]), [1, 1, 2, 2]);
    await expect(convertModel(b.build())).rejects.toThrow(/opset 22 .* outside 1-21/);
  });
});

describe('short fuzz (scripts/fuzz.ts runs thousands)', () => {
  it('120 mutated models and random byte strings end in a conversion or a named error', async () => {
    const outcomes = new Map<string, number>();
    for (let seed = 1; seed <= 120; seed++) {
      const o = await fuzzOne(mutate(fixture, seed));
      outcomes.set(o, (outcomes.get(o) ?? 0) + 1);
    }
    expect(outcomes.get('OnnxFormatError')).toBeGreaterThan(0);
  }, 120_000);
});
