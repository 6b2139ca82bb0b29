import { evaluate, tensor } from '@reparam/core';
import { describe, expect, it } from 'vitest';
import { ModelBuilder } from './builder.js';
import { analyzeModel, convertModel } from './convert.js';
import { runModel } from './ort-run.js';
import { withOutputs } from './pass-probe.js';
import { cutSegments, segmentExpr } from './segments.js';
import { acbBlock, bnNode, convNode, dbbBlock, repvggBlock, Rng } from './test-helpers/blocks.js';
import type { ModelProto } from './proto.js';

const count = (m: ModelProto, op: string) => m.graph!.node.filter((n) => n.opType === op).length;

function network(
  kind: 'repvgg' | 'acb' | 'acb-crop' | 'dbb',
  blocks: number,
  seed: number,
): ModelProto {
  const b = new ModelBuilder(17, kind);
  const rng = new Rng(seed);
  const c = 4;
  let x = b.input('input', [1, 3, 8, 8]);
  x = b.op('Relu', [bnNode(b, rng, convNode(b, rng, x, 3, c, [3, 3], { pads: [1, 1, 1, 1] }), c)]);
  for (let k = 0; k < blocks; k++) {
    if (kind === 'repvgg') x = repvggBlock(b, rng, x, c, c);
    else if (kind === 'dbb') x = dbbBlock(b, rng, x, [1, c, 8, 8], 3);
    else x = acbBlock(b, rng, x, c, 3, kind === 'acb-crop');
  }
  const pooled = b.op('Flatten', [b.op('GlobalAveragePool', [x])]);
  const y = b.op(
    'Gemm',
    [
      pooled,
      b.floats([5, c], rng.uniform(5 * c), 'fc.weight'),
      b.floats([5], rng.uniform(5), 'fc.bias'),
    ],
    { transB: 1 },
  );
  b.output(y, [1, 5]);
  return b.build({ family: kind });
}

describe('convertModel on networks of training-form blocks', () => {
  for (const kind of ['repvgg', 'acb', 'acb-crop', 'dbb'] as const) {
    it(`${kind}: a stem and N blocks become exactly N + 1 Convs, no BatchNormalization/Add/Sum/Pad left, outputs verified`, async () => {
      const blocks = 2;
      const model = network(kind, blocks, 11);
      const { model: out, report } = await convertModel(model);
      expect(count(out, 'Conv')).toBe(blocks + 1);
      for (const op of [
        'BatchNormalization',
        'Add',
        'Sum',
        'Pad',
        'ScatterND',
        'Slice',
        'AveragePool',
      ])
        expect(count(out, op)).toBe(0);
      expect(count(out, 'Relu')).toBe(blocks + 1);
      expect(report.verification?.ok).toBe(true);
      expect(report.verification!.worst.relative).toBeLessThan(1e-5);
      expect(out.metadataProps).toEqual(model.metadataProps);
      expect(out.graph!.output).toEqual(model.graph!.output);
      expect(report.regions.filter((r) => r.status === 'collapsed')).toHaveLength(blocks + 1);
    });
  }
});

describe('region expressions match onnxruntime on the original graph', () => {
  it("core's float64 evaluate of each region equals the region output onnxruntime computed", async () => {
    const model = network('dbb', 1, 5);
    const { ctx, scan, feeds } = await analyzeModel(model);
    expect(scan.regions.length).toBeGreaterThan(0);
    const segments = scan.regions.flatMap((region) => cutSegments(ctx, region));
    // the probe keeps the values of region boundaries only: onnxruntime gives every segment's ends
    const ends = [...new Set(segments.flatMap((s) => [s.from, s.to]))];
    const ort = await runModel(withOutputs(model, ends), feeds, ends);
    for (const region of scan.regions) {
      for (const s of cutSegments(ctx, region)) {
        const expr = segmentExpr(ctx, s.from, s.to, s.ops);
        if (expr === null) continue;
        const x = ort.get(s.from)!;
        const y = ort.get(s.to)!;
        const got = evaluate(
          expr,
          tensor(
            x.dims as [number, number, number, number],
            Float64Array.from(x.data as Float32Array),
          ),
        );
        let max = 0;
        let diff = 0;
        for (let i = 0; i < got.data.length; i++) {
          max = Math.max(max, Math.abs(Number(y.data[i])));
          diff = Math.max(diff, Math.abs(got.data[i] - Number(y.data[i])));
        }
        expect(got.shape).toEqual(y.dims);
        expect(diff).toBeLessThan(1e-5 * max);
      }
    }
  });
});
