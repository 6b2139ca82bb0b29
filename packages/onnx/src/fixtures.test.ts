import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { convertModel } from './convert.js';
import { UsageError } from './errors.js';
import { difference } from './compare.js';
import { runModel } from './ort-run.js';
import { randomFeeds } from './probe.js';
import { parseModel, readModel, serializeModel } from './model-io.js';
import { denseTensor } from './element-types.js';
import { decodeTensor } from './proto.js';
import type { ModelProto } from './proto.js';

const fixture = (name: string) =>
  fileURLToPath(new URL(`../fixtures/${name}.onnx`, import.meta.url));
const count = (m: ModelProto, op: string) => m.graph!.node.filter((n) => n.opType === op).length;

/** PyTorch exports (fixtures/generate.py): name, Convs expected after conversion, ops that must be gone. */
const cases: [string, number, string[]][] = [
  ['repvgg_fused', 4, ['BatchNormalization', 'Add']],
  ['repvgg_bn', 4, ['BatchNormalization', 'Add']],
  ['acb_crop_bn', 3, ['BatchNormalization', 'Add', 'Slice']],
  ['dbb_bn', 3, ['BatchNormalization', 'Add', 'ScatterND', 'Pad', 'AveragePool']],
  ['dbb_fused', 2, ['BatchNormalization', 'Add', 'ScatterND', 'Pad', 'AveragePool']],
  ['refconv_bn', 2, ['BatchNormalization', 'Reshape', 'Add']],
  ['padpool_bn', 3, ['BatchNormalization', 'Add', 'Pad', 'AveragePool']],
  // opset 9: BatchNormalization-9, Pad-2 and Slice-1 with attributes, IR 4
  ['repvgg_padpool_acb_o9', 5, ['BatchNormalization', 'Add', 'Pad', 'Slice', 'AveragePool']],
  // a uint8 image input, Cast and scaled by 1/255 in the graph
  ['uint8_image_repvgg', 3, ['BatchNormalization', 'Add', 'Div']],
];

describe('PyTorch training-form exports', () => {
  for (const [name, convs, gone] of cases) {
    it(`${name}: collapses to ${convs} Convs (${gone.join(', ')} gone) and matches onnxruntime on the original`, async () => {
      const model = readModel(fixture(name));
      const { model: out, report } = await convertModel(model);
      expect(report.verification!.ok).toBe(true);
      expect(count(out, 'Conv')).toBe(convs);
      for (const op of gone) expect(count(out, op), op).toBe(0);
      expect(out.graph!.input).toEqual(model.graph!.input);
      expect(out.graph!.output).toEqual(model.graph!.output);
      expect(out.opsetImport).toEqual(model.opsetImport);
      expect(out.producerName).toBe(model.producerName);
    });
  }

  it('not_exact_bn: an average pool that excludes padding keeps the block whole, says why, and still folds each branch', async () => {
    const { model: out, report } = await convertModel(readModel(fixture('not_exact_bn')));
    const add = report.excluded.find((e) => e.node === '/1/Add');
    expect(add?.reason).toMatch(
      /merges branches of a block kept whole \(avgPoolAsConv: .*countIncludePad false/,
    );
    expect(count(out, 'AveragePool')).toBe(1);
    expect(count(out, 'Add')).toBe(1);
    expect(count(out, 'BatchNormalization')).toBe(0);
    expect(count(out, 'Conv')).toBe(3);
    expect(report.verification!.ok).toBe(true);
  });

  it('repvgg_dynamic_batch: needs --shape for the dynamic batch, then converts', async () => {
    const model = readModel(fixture('repvgg_dynamic_batch'));
    await expect(convertModel(model)).rejects.toThrow(UsageError);
    const { model: out, report } = await convertModel(model, { shapes: { input: [2, 3, 12, 12] } });
    expect(report.verification!.ok).toBe(true);
    expect(count(out, 'Conv')).toBe(2);
    expect(out.graph!.input[0].type!.tensorType!.shape!.dim[0].dimParam).toBe('batch');
  });

  it('dbb_dynamic_o17: pad-with-bias indices read at --shape; the result also runs at another batch size', async () => {
    const model = readModel(fixture('dbb_dynamic_o17'));
    const { model: out, report } = await convertModel(model, { shapes: { input: [2, 3, 10, 10] } });
    expect(report.verification!.ok).toBe(true);
    expect(
      report.regions.some((r) => r.kind === 'DBB' && r.status === 'collapsed' && r.shapeDependent),
    ).toBe(true);
    expect(count(out, 'Conv')).toBe(2);
    for (const op of ['ScatterND', 'Pad', 'AveragePool', 'BatchNormalization'])
      expect(count(out, op), op).toBe(0);
    // PyTorch 1.13 bakes the traced batch into the Expand of the index subgraph, so the original
    // only runs at batch 2; the converted model has no such subgraph and runs at batch 3: its
    // first two samples must equal the original's on the same two samples.
    const three = randomFeeds(new Map([['input', [3, 3, 10, 10]]]), 9).input;
    const two = { ...three, dims: [2, 3, 10, 10], data: three.data.slice(0, 2 * 300) };
    const want = (await runModel(serializeModel(model), { input: two })).get('output')!;
    const got = (await runModel(serializeModel(out), { input: three })).get('output')!;
    expect(got.dims).toEqual([3, 5]);
    const d = difference('output', want, { ...got, dims: want.dims, data: got.data.slice(0, 10) });
    expect(d.relative).toBeLessThan(1e-5);
  });

  it('every fixture survives read -> write -> read unchanged', () => {
    for (const [name] of [
      ...cases,
      ['not_exact_bn'],
      ['repvgg_dynamic_batch'],
      ['dbb_dynamic_o17'],
    ]) {
      const bytes = readFileSync(fixture(name));
      const once = parseModel(bytes);
      const again = parseModel(serializeModel(once));
      expect(again).toEqual(once);
      expect(serializeModel(again)).toEqual(serializeModel(once));
    }
  });
});

describe('the opset-9 and uint8-image fixtures against PyTorch', () => {
  const runs: [string, number | undefined][] = [
    ['repvgg_padpool_acb_o9', undefined],
    ['uint8_image_repvgg', undefined],
    // written at newer opsets: Pad-2, Slice-1 and BatchNormalization-9 in their new forms
    ['repvgg_padpool_acb_o9', 17],
    ['repvgg_padpool_acb_o9', 21],
    ['uint8_image_repvgg', 21],
  ];
  for (const [name, opset] of runs) {
    it(`${name}${opset === undefined ? '' : ` at opset ${opset}`}: the converted model gives PyTorch's own output on PyTorch's input`, async () => {
      const tensor = (kind: string) =>
        denseTensor(
          decodeTensor(
            readFileSync(fileURLToPath(new URL(`../fixtures/${name}.${kind}.pb`, import.meta.url))),
          ),
        );
      const model = readModel(fixture(name));
      const input = tensor('input');
      const inputName = model.graph!.input[0].name!;
      const { model: out, report } = await convertModel(model, {
        inputs: { [inputName]: input },
        opset,
      });
      expect(report.collapsed).toBeGreaterThan(0);
      expect(report.opset).toBe(opset ?? report.opsetBefore);
      expect(out.opsetImport.map((o) => o.version)).toEqual([report.opset]);
      const got = (await runModel(serializeModel(out), { [inputName]: input })).get('output')!;
      const d = difference('output', tensor('output'), got);
      expect(d.relative).toBeLessThan(1e-5);
    });
  }
});
