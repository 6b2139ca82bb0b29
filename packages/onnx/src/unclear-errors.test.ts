import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ModelBuilder, valueInfo } from './builder.js';
import { convertModel } from './convert.js';
import { IoError, OnnxFormatError, UsageError } from './errors.js';
import { parseModel, readModel } from './model-io.js';
import { encodeModel } from './proto.js';
import { verifyModels } from './verify.js';

const fixture = (name: string) =>
  fileURLToPath(new URL(`../fixtures/${name}.onnx`, import.meta.url));

/** Conv -> BN -> Relu -> Conv -> BN with the given variances of the first BN. */
function twoConvBn(variance: number[]) {
  const b = new ModelBuilder(17);
  const x = b.input('x', [1, 2, 4, 4]);
  const bn = (input: string, v: number[]) =>
    b.op('BatchNormalization', [
      input,
      b.floats([2], [1, 2], 'g'),
      b.floats([2], [0.1, 0.2], 'b'),
      b.floats([2], [0.3, -1], 'm'),
      b.floats([2], v, 'v'),
    ]);
  const first = bn(b.op('Conv', [x, b.floats([2, 2, 1, 1], [1, 0.5, -0.5, 2])]), variance);
  const y = bn(b.op('Conv', [b.op('Relu', [first]), b.floats([2, 2, 1, 1], [2, 1, 0, 1])]), [2, 1]);
  b.output(y, [1, 2, 4, 4]);
  return b;
}

describe('errors that say what is wrong', () => {
  it('a BatchNormalization with variance <= 0 is left as it is; the rest still folds', async () => {
    const { model, report } = await convertModel(twoConvBn([2, -1]).build());
    const ops = model.graph!.node.map((n) => n.opType);
    expect(ops.filter((o) => o === 'BatchNormalization')).toHaveLength(1);
    expect(ops.filter((o) => o === 'Conv')).toHaveLength(2);
    expect(JSON.stringify(report)).toMatch(/variance\[1\] \+ epsilon = -0\.99999 must be > 0/);
    expect(report.verification!.ok).toBe(true);
  });

  it('an initializer also listed as a graph input converts and verifies', async () => {
    const b = twoConvBn([2, 1]);
    const w = b.initializers[0].name!;
    b.inputs.push(valueInfo(w, [2, 2, 1, 1]));
    const m = parseModel(encodeModel(b.build()));
    const { model, report } = await convertModel(m);
    expect(report.verification!.ok).toBe(true);
    expect((await verifyModels(m, model)).ok).toBe(true);
  });

  it('an external data location that is a folder is an IoError saying so', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reparam-ext-'));
    mkdirSync(join(dir, 'weights.bin'));
    const m = twoConvBn([2, 1]).build();
    Object.assign(m.graph!.initializer[0], {
      rawData: undefined,
      dataLocation: 1,
      externalData: [{ key: 'location', value: 'weights.bin' }],
    });
    writeFileSync(join(dir, 'm.onnx'), encodeModel(m));
    expect(() => readModel(join(dir, 'm.onnx'))).toThrow(IoError);
    expect(() => readModel(join(dir, 'm.onnx'))).toThrow(/weights.bin': it is a folder/);
  });

  it('the --shape hint never suggests a negative size', async () => {
    const b = new ModelBuilder(17);
    b.input('x', [-1, 2, 'H', 4]);
    b.output(b.op('Relu', ['x']), [1, 2, 4, 4]);
    const err = await convertModel(b.build()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/pass --shape x=1x2x1x4 /);
  });

  it('a model that runs at its export batch only: the failure names the sizes that were tried', async () => {
    const m = readModel(fixture('dbb_dynamic_o17'));
    const err = await convertModel(m, { shapes: { input: [1, 3, 10, 10] } }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OnnxFormatError);
    expect((err as Error).message).toMatch(
      /the model ran with input=1x3x10x10 \(as --shape gave them, for its dynamic dims\): it may run at other sizes only/,
    );
  });
});
