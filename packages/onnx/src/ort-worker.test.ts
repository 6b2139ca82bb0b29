import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { attribute, ModelBuilder, valueInfo } from './builder.js';
import { convertModel } from './convert.js';
import { parseModel, serializeModel } from './model-io.js';
import { openSession, runModel } from './ort-run.js';
import { DataType, floatTensor, int64Tensor, rawTensor } from './tensor.js';

/** A Loop that adds 1 to a scalar 10^12 times: it never finishes in practice. */
function endlessLoop(): Uint8Array {
  const body = {
    name: 'body',
    node: [
      { name: 'keep', opType: 'Identity', input: ['cond_in'], output: ['cond_out'], attribute: [] },
      { name: 'inc', opType: 'Add', input: ['v_in', 'one'], output: ['v_out'], attribute: [] },
    ],
    initializer: [floatTensor('one', [], [1])],
    input: [
      valueInfo('i', [], DataType.INT64),
      valueInfo('cond_in', [], DataType.BOOL),
      valueInfo('v_in', []),
    ],
    output: [valueInfo('cond_out', [], DataType.BOOL), valueInfo('v_out', [])],
    valueInfo: [],
  };
  const b = new ModelBuilder(17);
  b.input('x', []);
  b.initializers.push(
    int64Tensor('trips', [], [1e12]),
    rawTensor('go', [], DataType.BOOL, Uint8Array.of(1)),
  );
  const loop = { ...attribute('body', 0), type: 5, i: undefined, g: body };
  b.nodes.push({
    name: 'loop',
    opType: 'Loop',
    input: ['trips', 'go', 'x'],
    output: ['y'],
    attribute: [loop],
  });
  b.output('y', []);
  return serializeModel(b.build());
}

describe('onnxruntime in a worker with a time limit', () => {
  it('gives the same outputs as the in-process session', async () => {
    const bytes = readFileSync(
      fileURLToPath(new URL('../fixtures/repvgg_bn.onnx', import.meta.url)),
    );
    const x = {
      dims: [1, 3, 12, 12],
      data: Float32Array.from({ length: 432 }, (_, i) => Math.sin(i)),
      type: 'float32',
    };
    const a = await runModel(bytes, { input: x });
    const b = await runModel(bytes, { input: x }, undefined, { timeoutMs: 60_000 });
    expect(Array.from(b.get('output')!.data as Float32Array)).toEqual(
      Array.from(a.get('output')!.data as Float32Array),
    );
  });

  it('stops a model that would run for ever and says so', async () => {
    const bytes = endlessLoop();
    const t0 = Date.now();
    await expect(
      runModel(bytes, { x: { dims: [], data: Float32Array.of(0), type: 'float32' } }, undefined, {
        timeoutMs: 1500,
      }),
    ).rejects.toThrow(/did not run within 1.5 s/);
    expect(Date.now() - t0).toBeLessThan(15_000);
  });

  it('convertModel runs its probe and verification in the worker when given a time limit', async () => {
    const model = parseModel(
      readFileSync(fileURLToPath(new URL('../fixtures/acb_crop_bn.onnx', import.meta.url))),
    );
    const { report } = await convertModel(model, { timeoutMs: 60_000 });
    expect(report.verification!.ok).toBe(true);
  });

  it('keeps a worker per engine: a session of one engine survives a session opened on the other', async () => {
    const bytes = readFileSync(
      fileURLToPath(new URL('../fixtures/repvgg_bn.onnx', import.meta.url)),
    );
    const x = {
      dims: [1, 3, 12, 12],
      data: Float32Array.from({ length: 432 }, (_, i) => Math.cos(i)),
      type: 'float32',
    };
    const want = (await runModel(bytes, { input: x })).get('output')!.data;
    const web = await openSession(bytes, { timeoutMs: 60_000 });
    try {
      const native = await openSession(bytes, { timeoutMs: 60_000, engine: 'onnxruntime-node' });
      const fromNative = (await native.run({ input: x })).get('output')!.data;
      await native.release();
      const fromWeb = (await web.run({ input: x })).get('output')!.data;
      expect(Array.from(fromWeb, Number)).toEqual(Array.from(want, Number));
      expect(
        Array.from(fromNative, Number).every((v, i) => Math.abs(v - Number(want[i])) < 1e-4),
      ).toBe(true);
    } finally {
      await web.release();
    }
  });
  it('takes handed-over model bytes without a copy (the buffer is detached) and keeps the rest intact', async () => {
    const bytes = readFileSync(
      fileURLToPath(new URL('../fixtures/repvgg_bn.onnx', import.meta.url)),
    );
    const x = {
      dims: [1, 3, 12, 12],
      data: Float32Array.from({ length: 432 }, (_, i) => Math.sin(3 * i)),
      type: 'float32',
    };
    const want = (await runModel(bytes, { input: x })).get('output')!.data;
    const kept = new Uint8Array(bytes);
    const given = new Uint8Array(bytes);
    for (const [model, handOver] of [
      [kept, false],
      [given, true],
    ] as const) {
      const session = await openSession(model, { timeoutMs: 60_000 }, handOver);
      try {
        const got = (await session.run({ input: x })).get('output')!.data;
        expect(Array.from(got, Number)).toEqual(Array.from(want, Number));
      } finally {
        await session.release();
      }
    }
    expect(given.byteLength).toBe(0);
    expect(kept).toEqual(new Uint8Array(bytes));
  });
});
