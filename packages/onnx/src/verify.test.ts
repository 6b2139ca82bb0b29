import { describe, expect, it } from 'vitest';
import { ModelBuilder } from './builder.js';
import { convertModel } from './convert.js';
import { VerificationError } from './errors.js';
import { inputFeeds } from './feeds.js';
import { openSession, runModel, type ModelSession } from './ort-run.js';
import { encodeModel, type ModelProto } from './proto.js';
import { floatTensor, tensorValues } from './tensor.js';
import { repvggBlock, Rng } from './test-helpers/blocks.js';
import { verifyModels } from './verify.js';

function twoBlocks(): ModelProto {
  const b = new ModelBuilder(17);
  const rng = new Rng(3);
  let x = b.input('x', [1, 4, 6, 6]);
  x = repvggBlock(b, rng, x, 4, 4);
  x = repvggBlock(b, rng, x, 4, 4);
  b.output(x, [1, 4, 6, 6]);
  return b.build();
}

/** A session of `model` that records its runs and its release in `events`. */
async function recording(model: ModelProto, events: string[]): Promise<ModelSession> {
  const inner = await openSession(encodeModel(model));
  return {
    ...inner,
    run: (feeds, names) => {
      events.push('run');
      return inner.run(feeds, names);
    },
    release: () => {
      events.push('release');
      return inner.release();
    },
  };
}

describe('verifyModels', () => {
  it('accepts a model against itself with zero difference', async () => {
    const m = twoBlocks();
    const r = await verifyModels(m, m, { tolerance: 0 });
    expect(r.ok).toBe(true);
    expect(r.worst.maxAbsDiff).toBe(0);
  });

  it('detects converted weights scaled by 1 + 1e-3', async () => {
    const model = twoBlocks();
    const { model: out } = await convertModel(model);
    const graph = out.graph!;
    const k = graph.initializer.findIndex((t) => (t.name ?? '').endsWith('.reparam.weight'));
    const w = tensorValues(graph.initializer[k]).map((v) => v * (1 + 1e-3));
    const broken: ModelProto = {
      ...out,
      graph: {
        ...graph,
        initializer: graph.initializer.map((t, i) =>
          i === k ? floatTensor(t.name ?? '', t.dims, w) : t,
        ),
      },
    };
    const r = await verifyModels(model, broken);
    expect(r.ok).toBe(false);
    expect(r.worst.name).toBe(model.graph!.output[0].name);
    expect(r.worst.relative).toBeGreaterThan(1e-5);
  });
  it('with releaseReference, runs the given reference session on every sample, then releases it once', async () => {
    const model = twoBlocks();
    const { model: out } = await convertModel(model);
    const own = await verifyModels(model, out, { samples: 3 });
    const events: string[] = [];
    const r = await verifyModels(model, out, {
      referenceSession: await recording(model, events),
      releaseReference: true,
      samples: 3,
    });
    expect(events).toEqual(['run', 'run', 'run', 'release']);
    expect(r.ok).toBe(true);
    expect(r.worst).toEqual(own.worst);
  });

  it('runs the reference on the first sample again when its given values lack a compared tensor', async () => {
    const model = twoBlocks();
    const { model: out } = await convertModel(model);
    const own = await verifyModels(model, out, { samples: 3 });
    const output = model.graph!.output[0].name!;
    const first = await runModel(encodeModel(model), inputFeeds(model, { seed: 1 }), [output]);
    for (const [given, runs] of [
      [first, 2],
      [new Map(), 3],
    ] as const) {
      const events: string[] = [];
      const reference = await recording(model, events);
      const v = await verifyModels(model, out, {
        referenceSession: reference,
        referenceFirst: given,
        samples: 3,
      });
      await reference.release();
      expect(events.filter((e) => e === 'run').length).toBe(runs);
      expect(v.worst).toEqual(own.worst);
    }
  });
});

describe('convertModel refuses to return an unverified model', () => {
  it('throws VerificationError naming the worst output and region when the tolerance is below float32 rounding', async () => {
    const model = twoBlocks();
    const err = await convertModel(model, { tolerance: 1e-12 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VerificationError);
    const v = err as VerificationError;
    expect(v.worstOutput).toBe(model.graph!.output[0].name);
    expect(v.worstRegion).toBeDefined();
    expect(v.message).toMatch(/first region off: \d+ \(RepVGG/);
  });
});
