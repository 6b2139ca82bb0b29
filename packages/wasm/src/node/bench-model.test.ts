import { describe, expect, it } from 'vitest';
import { ModelBuilder, encodeModel, parseModel } from '@reparam/onnx';
import { graphFromOnnx } from '../graph/from-onnx.js';
import { benchModel } from './bench-model.js';

function smallModel() {
  const b = new ModelBuilder(13);
  const x = b.input('x', [1, 4, 16, 16]);
  const w = b.floats(
    [8, 4, 3, 3],
    Float32Array.from({ length: 288 }, (_, i) => Math.sin(i)),
  );
  const y = b.op('Relu', [b.op('Conv', [x, w], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] })]);
  b.output(b.op('GlobalAveragePool', [y]));
  return encodeModel(b.build());
}

const input = {
  data: Float32Array.from({ length: 1024 }, (_, i) => Math.cos(i)),
  shape: [1, 4, 16, 16],
};

describe('benchModel', () => {
  it('reports the graph load error for ours and kills a configuration that passes its time limit', async () => {
    const bytes = smallModel();
    const report = await benchModel(
      bytes,
      new Error('graphFromOnnx: cannot load'),
      { x: input },
      {
        configs: [
          { runtime: 'ours', threads: 1 },
          { runtime: 'ort-web', threads: 1 },
        ],
        runs: 1,
        warmup: 1,
        timeoutMs: 1,
      },
    );
    expect(report.results[0]).toMatchObject({
      ok: false,
      error: 'Error: graphFromOnnx: cannot load',
    });
    expect(report.results[1].ok).toBe(false);
    expect(report.results[1].error).toMatch(/timed out after 0.001 s/);
    expect(Number.isNaN(report.flops)).toBe(true);
  });

  it('times each runtime in a child process and compares every output with onnxruntime', async () => {
    const bytes = smallModel();
    const graph = graphFromOnnx(parseModel(bytes));
    const report = await benchModel(
      bytes,
      graph,
      { x: input },
      {
        configs: [
          { runtime: 'ort-web', threads: 1 },
          { runtime: 'ours', threads: 2 },
          { runtime: 'tfjs-wasm', threads: 1 },
        ],
        runs: 2,
        warmup: 1,
      },
    );
    expect(report.flops).toBe(2 * 8 * 16 * 16 * 4 * 9);
    expect(report.reference).toBe('ort-web 1T');
    for (const r of report.results) {
      expect(r.ok, r.error).toBe(true);
      expect(r.medianMs).toBeGreaterThan(0);
      expect(r.relativeError).toBeLessThan(1e-5);
    }
    expect(report.results[1].detail).toMatch(/^2 thread\(s\)/);
  }, 240_000); // three child processes that each load tsx: slow on a loaded machine
});
