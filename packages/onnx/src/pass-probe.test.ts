import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ModelBuilder } from './builder.js';
import { classifyTensors } from './classify.js';
import { convertModel } from './convert.js';
import { indexGraph } from './graph.js';
import { parseModel } from './model-bytes.js';
import { runModel } from './ort-run.js';
import { passTensors } from './pass-probe.js';
import { decodeModel, encodeModel, withGraphOutputs } from './proto.js';
import { inputFeeds } from './feeds.js';
import type { ConvertStage } from './stages.js';
import { bnNode, Rng } from './test-helpers/blocks.js';

const bytesOf = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../fixtures/${name}.onnx`, import.meta.url)));

describe('the probe of the pass', () => {
  it("exposes what the pass reads (every ScatterND and Pad input of DBB's pad-with-bias) and not the index arithmetic", () => {
    const model = parseModel(bytesOf('dbb_bn'));
    const index = indexGraph(model.graph!);
    const exposed = passTensors(index, classifyTensors(index));
    const nodes = model.graph!.node;
    for (const n of nodes.filter((n) => n.opType === 'ScatterND' || n.opType === 'Pad'))
      for (const t of n.input) if (t !== '') expect(exposed.has(t), t).toBe(true);
    // the index arithmetic of the ScatterNDs (Range, Unsqueeze) is read by no linear op
    const indices = nodes
      .filter((n) => n.opType === 'Range' || n.opType === 'Unsqueeze')
      .flatMap((n) => n.output);
    expect(indices.length).toBeGreaterThan(0);
    for (const t of indices) expect(exposed.has(t), t).toBe(false);
    const all = nodes.flatMap((n) => n.output).length;
    expect(exposed.size).toBeLessThan(all / 2);
  });

  it("graph outputs appended to a model's bytes are outputs onnxruntime computes", async () => {
    const bytes = bytesOf('repvgg_bn');
    const model = parseModel(bytes);
    const inner = model.graph!.node[3].output[0];
    const spliced = withGraphOutputs(bytes, [inner]);
    expect(decodeModel(spliced).graph!.output.map((o) => o.name)).toContain(inner);
    const feeds = inputFeeds(model, {});
    const a = await runModel(spliced, feeds, [inner]);
    const graph = model.graph!;
    const encoded = encodeModel({
      ...model,
      graph: { ...graph, output: [...graph.output, { name: inner }] },
    });
    const b = await runModel(encoded, feeds, [inner]);
    expect(a.get(inner)!.data).toEqual(b.get(inner)!.data);
  });

  it('a conversion from the file bytes equals one from the model alone, stage by stage', async () => {
    for (const name of ['dbb_bn', 'repvgg_bn']) {
      const bytes = bytesOf(name);
      const stages: ConvertStage[] = [];
      const fromBytes = await convertModel(parseModel(bytes), {
        modelBytes: bytes,
        onStage: (s, ms) => {
          expect(ms).toBeGreaterThanOrEqual(0);
          stages.push(s);
        },
      });
      const plain = await convertModel(parseModel(bytes));
      expect(fromBytes.bytes).toEqual(plain.bytes);
      expect(fromBytes.bytes).toEqual(encodeModel(plain.model));
      expect(fromBytes.report.verification?.ok).toBe(true);
      expect(stages).toEqual(['check', 'probe', 'regions', 'collapse', 'rewrite', 'verify']);
    }
  });
  it('fetches a constant chain at its end only, which the conversion folds (its interior is pruned, never read)', async () => {
    const b = new ModelBuilder(17);
    const rng = new Rng(5);
    const x = b.input('x', [1, 2, 5, 5]);
    const root = b.op('Sqrt', [b.floats([3, 2, 3, 3], rng.uniform(54, 0.5, 2), 'raw')]);
    const w = b.op('Mul', [root, b.floats([1], [0.5], 'half')]);
    const y = b.op('Conv', [x, w], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
    b.output(bnNode(b, rng, y, 3), [1, 3, 5, 5]);
    const model = b.build();
    const index = indexGraph(model.graph!);
    const exposed = passTensors(index, classifyTensors(index));
    expect(exposed.has(w)).toBe(true);
    expect(exposed.has(root)).toBe(false);
    const { model: out, report } = await convertModel(model);
    expect(report.verification?.ok).toBe(true);
    expect(out.graph!.node.map((n) => n.opType)).toEqual(['Conv']);
  });
});
