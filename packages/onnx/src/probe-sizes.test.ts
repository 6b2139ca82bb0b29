import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { classifyTensors } from './classify.js';
import { inputFeeds } from './feeds.js';
import { indexGraph } from './graph.js';
import { parseModel } from './model-bytes.js';
import { runModel } from './ort-run.js';
import { dynamicSizeInputs } from './probe.js';
import { openProbe, passTensors, withOutputs } from './pass-probe.js';
import { sizeOnlyTensors } from './probe-sizes.js';

const dir = new URL('../fixtures/', import.meta.url);
const fixtures = readdirSync(fileURLToPath(dir)).filter((f) => f.endsWith('.onnx'));

describe('the probe reads only the sizes of the tensors inside chains of linear ops', () => {
  it('gives the dims and types onnxruntime gives for the tensors themselves, on every fixture, and their values for the rest', async () => {
    let sizedTotal = 0;
    for (const file of fixtures) {
      const bytes = new Uint8Array(readFileSync(new URL(file, dir)));
      const model = parseModel(bytes);
      if (dynamicSizeInputs(model, 0).length > 0) continue; // sizes need a --shape: covered by convert tests
      const index = indexGraph(model.graph!);
      const kinds = classifyTensors(index);
      const feeds = inputFeeds(model, {});
      const fetched = [...passTensors(index, kinds)].filter((t) => index.producer.has(t));
      const sized = [...sizeOnlyTensors(index, kinds, fetched, new Set())];
      sizedTotal += sized.length;
      const { values, sizes, session } = await openProbe(model, index, kinds, feeds, {});
      await session.release();
      // the oracle: onnxruntime's own values of the same tensors, fetched whole
      const whole = await runModel(withOutputs(model, fetched), feeds, fetched);
      for (const t of fetched) {
        const want = whole.get(t)!;
        if (sized.includes(t)) {
          expect(values.has(t), `${file}: ${t}`).toBe(false);
          expect(sizes.get(t), `${file}: ${t}`).toEqual({ dims: want.dims, type: want.type });
        } else expect(values.get(t), `${file}: ${t}`).toEqual(want);
      }
    }
    expect(sizedTotal).toBeGreaterThan(20);
  });
});
