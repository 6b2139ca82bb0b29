import { describe, expect, it } from 'vitest';
import { summarize, verdict } from './aggregate.js';
import { defaultProtocol } from './protocol.js';
import type { RunResult } from './run.js';

function run(
  method: string,
  seed: number,
  top1: number,
  seconds: number,
  extra: Partial<RunResult> = {},
): RunResult {
  const stage = {
    name: method,
    steps: 10,
    cpuSeconds: seconds / 2,
    seconds,
    medianStepMs: 100,
    epochLoss: [1],
    memory: { peak: 1e6, resident: 5e5 },
  };
  return {
    schema: 1,
    protocolId: 'p',
    arch: 'resnet18',
    method,
    seed,
    protocol: defaultProtocol,
    architecture: '',
    commit: 'c',
    startedAt: '2026-01-01T00:00:00Z',
    wallSeconds: seconds + 5,
    cpuSeconds: seconds / 2 + 5,
    machine: { cpu: 'x', cores: 2, node: 'v20', loadBefore: [1, 1, 1], loadAfter: [1, 1, 1] },
    stages: [stage],
    accuracy: { training: top1, deploy: top1 },
    forms: {
      maxProbabilityDifference: 1e-7 * seed,
      differentPredictions: seed - 1,
      reparamRelativeDeviation: 1e-7,
    },
    params: {
      training: { total: 10, trainable: 8, frozen: 2 },
      deploy: { total: 8, trainable: 8, frozen: 0 },
    },
    macsPerImage: { training: 2e6, deploy: 1e6 },
    latencyMs: {
      batch1: { training: 2, deploy: 1 },
      throughput: { batch: 100, training: 50, deploy: 25 },
    },
    ...extra,
  };
}

describe('summarize', () => {
  const runs = [
    run('conv', 1, 0.9, 100),
    run('conv', 2, 0.92, 110),
    run('refconv', 1, 0.91, 50, { baseline: 'checkpoint' }),
    run('refconv', 2, 0.95, 60, {
      baseline: 'retrained',
      stages: [run('conv', 2, 0, 120).stages[0], run('refconv', 2, 0, 60).stages[0]],
    }),
  ];
  const [conv, refconv] = summarize(runs, [
    { arch: 'resnet18', method: 'conv', fromBaseline: false },
    { arch: 'resnet18', method: 'refconv', fromBaseline: true },
  ]);

  it('gives mean ± sample std of top-1 in percent, and the worst form difference over seeds', () => {
    expect(conv.top1.mean).toBeCloseTo(91, 9);
    expect(conv.top1.std).toBeCloseTo(Math.SQRT2, 9);
    expect(conv.maxProbabilityDifference).toBeCloseTo(2e-7, 15);
    expect(conv.differentPredictions).toBe(1);
    expect(conv.imagesPerSecond.training.mean).toBe(2000);
  });

  it("charges a method that starts from the baseline with the baseline's training, once", () => {
    // seed 1: 50 + the stored baseline's 100; seed 2: its own retrained stage (120) + 60.
    expect(refconv.trainingSeconds.mean).toBeCloseTo((150 + 180) / 2, 9);
    // The test's stages spend half their wall time on the CPU.
    expect(refconv.trainingCpuSeconds.mean).toBeCloseTo((75 + 90) / 2, 9);
    expect(refconv.epochs).toBe(2 * defaultProtocol.epochs);
  });

  it('verdict: a difference within the larger std is not evidence; one seed has no spread', () => {
    const v = verdict(refconv, conv); // +2 points, stds sqrt(2) and 2 sqrt(2)
    expect(v.delta).toBeCloseTo(2, 9);
    expect(v.withinOneStd).toBe(true);
    const [one] = summarize(
      [run('conv', 1, 0.9, 1)],
      [{ arch: 'resnet18', method: 'conv', fromBaseline: false }],
    );
    expect(verdict(one, one).withinOneStd).toBeUndefined();
  });

  it("reads a loaded run's stretched timings by the median over seeds, and CPU ms per step of the own stage", () => {
    const loaded = run('conv', 3, 0.9, 100, {
      latencyMs: {
        batch1: { training: 40, deploy: 30 },
        throughput: { batch: 100, training: 500, deploy: 250 },
      },
    });
    const [row] = summarize(
      [run('conv', 1, 0.9, 100), run('conv', 2, 0.9, 120), loaded],
      [{ arch: 'resnet18', method: 'conv', fromBaseline: false }],
    );
    expect(row.latencyBatch1.training.median).toBe(2);
    expect(row.latencyBatch1.training.mean).toBeCloseTo(44 / 3, 9);
    expect(row.imagesPerSecond.deploy.median).toBe(4000);
    // Half of each stage's wall seconds on the CPU, over 10 steps: 5000, 6000 and 5000 ms.
    expect(row.stepCpuMs.median).toBe(5000);
    const [refocus] = summarize(
      [
        run('refconv', 2, 0.95, 60, {
          stages: [run('conv', 2, 0, 120).stages[0], run('refconv', 2, 0, 60).stages[0]],
        }),
      ],
      [{ arch: 'resnet18', method: 'refconv', fromBaseline: true }],
    );
    expect(refocus.stepCpuMs.median).toBe(3000);
  });
});
