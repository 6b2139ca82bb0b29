import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelBuilder, runModel, serializeModel } from '@reparam/onnx';
import { decodeNpy, encodeNpy } from '@reparam/wasm';
import { describe, expect, it } from 'vitest';
import { cli, workdir } from './test-helpers.js';

const wave = (n: number, f: (i: number) => number) =>
  Float32Array.from({ length: n }, (_, i) => f(i));

/** A residual block with a squeeze-and-excitation gate and a classifier head. */
function residualModel(): Uint8Array {
  const b = new ModelBuilder(13);
  const x = b.input('x', [1, 4, 10, 10]);
  const conv = (v: string, seed: number) =>
    b.op(
      'Conv',
      [
        v,
        b.floats(
          [4, 4, 3, 3],
          wave(144, (i) => Math.sin(i * seed) / 4),
        ),
      ],
      {
        kernel_shape: [3, 3],
        pads: [1, 1, 1, 1],
      },
    );
  const a = b.op('Relu', [conv(x, 1)]);
  const gate = b.op('Sigmoid', [b.op('GlobalAveragePool', [a])]);
  const sum = b.op('Relu', [b.op('Add', [b.op('Mul', [conv(a, 2), gate]), x])]);
  const flat = b.op('Flatten', [b.op('GlobalAveragePool', [sum])]);
  b.output(
    b.op('Gemm', [flat, b.floats([3, 4], wave(12, Math.cos)), b.floats([3], wave(3, Math.sin))], {
      transB: 1,
    }),
  );
  return serializeModel(b.build());
}

const input = { data: wave(400, (i) => Math.cos(i / 3)), shape: [1, 4, 10, 10] };

describe('reparam run', () => {
  it('runs a residual model on the wasm runtime (.npy in and out) as onnxruntime does, at 1 and 2 threads', async () => {
    const dir = workdir();
    const model = join(dir, 'm.onnx');
    writeFileSync(model, residualModel());
    writeFileSync(join(dir, 'x.npy'), encodeNpy(input));
    const [want] = (
      await runModel(residualModel(), {
        x: { dims: input.shape, data: input.data, type: 'float32' },
      })
    ).values();
    for (const threads of ['1', '2']) {
      const y = join(dir, `y${threads}.npy`);
      const r = await cli(
        'run',
        model,
        '--input',
        join(dir, 'x.npy'),
        '--output',
        y,
        '--threads',
        threads,
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^\\S+: 1x3, .* -> ${y.replace(/[/.]/g, '\\$&')}$`, 'm'));
      const got = decodeNpy(readFileSync(y));
      expect(got.shape).toEqual([1, 3]);
      const scale = Math.max(...Array.from(want.data as Float32Array, Math.abs));
      got.data.forEach((v, i) =>
        expect(Math.abs(v - Number(want.data[i]))).toBeLessThan(1e-5 * scale),
      );
    }
  });

  it('refuses at load a model with unsupported nodes, every one named on the error line (exit 2)', async () => {
    const b = new ModelBuilder(13);
    const x = b.input('x', [1, 2, 4, 4]);
    b.output(b.op('Erf', [b.op('Relu', [b.op('Cos', [x])])]));
    const dir = workdir();
    const model = join(dir, 'm.onnx');
    writeFileSync(model, serializeModel(b.build()));
    writeFileSync(
      join(dir, 'x.npy'),
      encodeNpy({ data: new Float32Array(32), shape: [1, 2, 4, 4] }),
    );
    const r = await cli('run', model, '--input', join(dir, 'x.npy'), '-o', join(dir, 'y.npy'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^reparam: UnsupportedModelError: 2 nodes the wasm runtime does not run: node 0 .*\(Cos\).*; node 2 .*\(Erf\)/,
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('names the inputs that have no value, and an input of the wrong dims, with exit 2', async () => {
    const dir = workdir();
    const model = join(dir, 'm.onnx');
    writeFileSync(model, residualModel());
    const missing = await cli('run', model);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/input 'x' has no value; pass --input/);
    writeFileSync(
      join(dir, 'x.npy'),
      encodeNpy({ data: new Float32Array(300), shape: [1, 3, 10, 10] }),
    );
    const wrong = await cli('run', model, '--input', join(dir, 'x.npy'));
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(
      /input 'x' \[1, 3, 10, 10\] does not fit its declared dims \[1, 4, 10, 10\]/,
    );
  });
});

describe('reparam bench', () => {
  it('times ours and onnxruntime-web, each output checked against onnxruntime (--json)', async () => {
    const dir = workdir();
    const model = join(dir, 'm.onnx');
    writeFileSync(model, residualModel());
    const r = await cli(
      'bench',
      model,
      '--runtime',
      'ort-web',
      '--runtime',
      'ours',
      '--threads',
      '1',
      '--runs',
      '2',
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      ok: boolean;
      models: {
        reference: string;
        results: { runtime: string; ok: boolean; relativeError: number; medianMs: number }[];
      }[];
    };
    expect(out.ok).toBe(true);
    const [report] = out.models;
    expect(report.reference).toBe('ort-web 1T');
    expect(report.results.map((x) => x.runtime)).toEqual(['ours', 'ort-web']);
    for (const x of report.results) {
      expect(x.ok).toBe(true);
      expect(x.medianMs).toBeGreaterThan(0);
      expect(x.relativeError).toBeLessThan(1e-5);
    }
  }, 240_000); // two child processes that each load tsx: slow on a loaded machine
});
