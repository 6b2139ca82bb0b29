import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataType, ModelBuilder, readModel, serializeModel, valueInfo } from '@reparam/onnx';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cli, fixture, workdir } from './test-helpers.js';

const npy = (name: string) => fileURLToPath(new URL(`../fixtures/${name}.npy`, import.meta.url));

describe('reparam convert with real inputs, and with nothing to collapse', () => {
  it('--input image=photo.npy (uint8) feeds the probe and the verification; the line names the engine', async () => {
    const out = join(workdir(), 'out.onnx');
    const r = await cli(
      'convert',
      fixture('uint8_image_repvgg'),
      '-o',
      out,
      '--input',
      `image=${npy('image_u8_12')}`,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^verified by onnxruntime-web: worst 'output'/m);
    expect(readModel(out).graph!.node.map((n) => n.opType)).not.toContain('BatchNormalization');
  });

  it('--input with the wrong element type or an unknown name is a usage error (exit 2)', async () => {
    const dir = workdir();
    const f32 = await cli(
      'convert',
      fixture('uint8_image_repvgg'),
      '-o',
      join(dir, 'a.onnx'),
      '--input',
      `image=${npy('x_f32')}`,
    );
    expect(f32.code).toBe(2);
    expect(f32.stderr).toMatch(/input 'image' is given as float32, the model declares uint8/);
    const name = await cli(
      'convert',
      fixture('repvgg_bn'),
      '-o',
      join(dir, 'b.onnx'),
      '--input',
      `nope=${npy('x_f32')}`,
    );
    expect(name.code).toBe(2);
    expect(name.stderr).toMatch(/the model has no input 'nope'/);
  });

  it('an input giving Reshape its shape needs --input, and converts with it', async () => {
    const b = new ModelBuilder(13);
    b.inputs.push(valueInfo('x', [1, 2, 4, 6]), valueInfo('shape', [2], DataType.INT64));
    b.output(b.op('Reshape', ['x', 'shape']));
    const dir = workdir();
    const input = join(dir, 'in.onnx');
    writeFileSync(input, serializeModel(b.build()));
    const without = await cli('convert', input, '-o', join(dir, 'a.onnx'));
    expect(without.code).toBe(2);
    expect(without.stderr).toMatch(/input 'shape' gives Reshape .*--input shape=file\.npy/);
    const given = await cli(
      'convert',
      input,
      '-o',
      join(dir, 'b.onnx'),
      '--input',
      `shape=${npy('shape_i64')}`,
    );
    expect(given.stderr).toBe('');
    expect(given.code).toBe(0);
  });

  it('a model with nothing to collapse: exit 0, one line, the file written back unchanged', async () => {
    const b = new ModelBuilder(11);
    b.output(b.op('Relu', [b.input('x', [1, 2, 3, 3])]), [1, 2, 3, 3]);
    const dir = workdir();
    const input = join(dir, 'in.onnx');
    writeFileSync(input, serializeModel(b.build()));
    const out = join(dir, 'out.onnx');
    const r = await cli('convert', input, '-o', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${input}: nothing to collapse; wrote ${out} unchanged\n`);
    expect(readFileSync(out)).toEqual(readFileSync(input));
  });
});
