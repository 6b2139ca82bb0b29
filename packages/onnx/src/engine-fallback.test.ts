import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { convertModel } from './convert.js';
import { withFallback } from './engine-fallback.js';
import { OnnxFormatError } from './errors.js';
import { parseModel } from './model-io.js';
import { runModel, type Engine } from './ort-run.js';

const fixture = (name: string) =>
  parseModel(readFileSync(fileURLToPath(new URL(`../fixtures/${name}.onnx`, import.meta.url))));

const webFails = (engine: Engine) =>
  engine === 'onnxruntime-web'
    ? Promise.reject(
        new OnnxFormatError('runModel: onnxruntime-web cannot load the model (out of memory)'),
      )
    : Promise.resolve(engine);

describe('when onnxruntime-web cannot run a model, onnxruntime-node (installed here) runs it', () => {
  it('falls back on a load or run failure of onnxruntime-web, and says which engine ran', async () => {
    const tried: Engine[] = [];
    const r = await withFallback({}, (engine) => {
      tried.push(engine);
      return webFails(engine);
    });
    expect(tried).toEqual(['onnxruntime-web', 'onnxruntime-node']);
    expect(r).toEqual({ value: 'onnxruntime-node', engine: 'onnxruntime-node' });
  });

  it('does not fall back on other errors, nor when an engine is chosen', async () => {
    const timeout = new OnnxFormatError('runModel: onnxruntime-web did not run within 1 s');
    await expect(withFallback({}, () => Promise.reject(timeout))).rejects.toBe(timeout);
    await expect(withFallback({ engine: 'onnxruntime-web' }, webFails)).rejects.toThrow(
      /onnxruntime-web cannot load/,
    );
  });

  it('names both failures when native onnxruntime cannot run the model either', async () => {
    const both = withFallback({}, (engine) =>
      Promise.reject(new OnnxFormatError(`runModel: ${engine} cannot run the model (bad)`)),
    );
    await expect(both).rejects.toThrow(
      /^runModel: onnxruntime-node cannot run the model \(bad\); onnxruntime-web failed too: runModel: onnxruntime-web cannot run/,
    );
  });

  it('onnxruntime-node gives the same outputs as onnxruntime-web, in process and in the worker', async () => {
    const bytes = readFileSync(
      fileURLToPath(new URL('../fixtures/repvgg_bn.onnx', import.meta.url)),
    );
    const input = {
      dims: [1, 3, 12, 12],
      data: Float32Array.from({ length: 432 }, (_, i) => Math.cos(i)),
      type: 'float32',
    };
    const web = (await runModel(bytes, { input })).get('output')!.data as Float32Array;
    for (const timeoutMs of [undefined, 60_000]) {
      const native = (
        await runModel(bytes, { input }, undefined, { engine: 'onnxruntime-node', timeoutMs })
      ).get('output')!.data as Float32Array;
      for (let i = 0; i < web.length; i++) expect(native[i]).toBeCloseTo(web[i], 5);
    }
  });

  it('convertModel on onnxruntime-node: verified, and the report says which engine verified', async () => {
    const { report } = await convertModel(fixture('dbb_bn'), { engine: 'onnxruntime-node' });
    expect(report.engine).toBe('onnxruntime-node');
    expect(report.verification!.engine).toBe('onnxruntime-node');
    expect(report.verification!.ok).toBe(true);
    expect(report.collapsed).toBeGreaterThan(0);
  });
});
