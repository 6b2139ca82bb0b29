import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  convertModel,
  defaultOpset,
  readModel,
  writeModel,
  type ModelProto,
} from '../src/index.js';
import { tensorValues } from '../src/tensor.js';
import { opset7Model } from '../src/test-helpers/opset-models.js';
import { checkerComplaints, checkFiles } from './checker.js';

const dir = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** Input sizes for the fixtures with a dynamic batch. */
const SHAPES: Record<string, Record<string, number[]>> = {
  repvgg_dynamic_batch: { input: [2, 3, 12, 12] },
  dbb_dynamic_o17: { input: [2, 3, 10, 10] },
};

describe("the PyTorch fixtures, converted, pass ONNX's checker at their own opset", () => {
  it('every converted fixture (opsets 9 to 17, uint8 input included) is valid', async () => {
    const models = new Map<string, ModelProto>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.onnx'))) {
      const name = file.replace(/\.onnx$/, '');
      const { model } = await convertModel(readModel(dir + file), { shapes: SHAPES[name] });
      models.set(name, model);
    }
    expect(models.size).toBeGreaterThanOrEqual(12);
    expect(Object.fromEntries(checkerComplaints(models))).toEqual({});
  });

  it('written at opset 17 (--opset), the fixtures below it and an opset-7 model of every changed form are valid', async () => {
    const models = new Map<string, ModelProto>();
    const originals = readdirSync(dir)
      .filter((f) => f.endsWith('.onnx'))
      .map((f) => [f.replace(/\.onnx$/, ''), readModel(dir + f)] as const);
    for (const [name, original] of [...originals, ['opset7', opset7Model()] as const]) {
      if (defaultOpset(original) >= 17) continue;
      const { model, report } = await convertModel(original, { shapes: SHAPES[name], opset: 17 });
      expect(report.opset).toBe(17);
      models.set(name, model);
    }
    expect(models.size).toBeGreaterThanOrEqual(10);
    expect(Object.fromEntries(checkerComplaints(models))).toEqual({});
  });

  it("a model written with external data loads in ONNX's own loader, checker-valid, with the same weights", async () => {
    const { model } = await convertModel(readModel(`${dir}dbb_bn.onnx`));
    const out = join(mkdtempSync(join(tmpdir(), 'reparam-ext-')), 'dbb.onnx');
    writeModel(out, model, { externalData: 64 });
    const { complaints, sums } = checkFiles([out]);
    expect(complaints).toEqual({});
    const large = model.graph!.initializer.filter((t) => tensorValues(t).length * 4 >= 64);
    expect(large.length).toBeGreaterThan(0);
    for (const t of large) {
      const sum = tensorValues(t).reduce((a, v) => a + v, 0);
      expect(sums[out][t.name!]).toBeCloseTo(sum, 4);
    }
  });
});
