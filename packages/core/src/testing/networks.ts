import { dbb } from '../recipes/dbb.js';
import { repvgg } from '../recipes/repvgg.js';
import { seededRandom } from '../tensor.js';
import type { Expr } from '../expr.js';
import type { BatchNorm } from '../types.js';

/** A block of a benchmark network and the bytes of its training-form weights. */
export interface NetworkBlock {
  expr: Expr;
  weightBytes: number;
}

function float32(n: number, next: () => number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = next() * 2 - 1;
  return a;
}

function bn(c: number, next: () => number): BatchNorm {
  return {
    gamma: float32(c, next),
    beta: float32(c, next),
    mean: float32(c, next),
    variance: float32(c, next).map((v) => 1 + v / 2),
    epsilon: 1e-5,
  };
}

const bytesOf = (e: Expr): number => {
  switch (e.kind) {
    case 'conv':
      return e.conv.weight.byteLength + e.conv.bias.byteLength;
    case 'batchNorm':
      return 4 * e.batchNorm.gamma.byteLength;
    case 'sum':
      return e.terms.reduce((a, t) => a + bytesOf(t), 0);
    case 'sequence':
      return e.stages.reduce((a, t) => a + bytesOf(t), 0);
    case 'concat':
      return e.parts.reduce((a, t) => a + bytesOf(t), 0);
    default:
      return 0;
  }
};

/**
 * The blocks of a RepVGG network (Ding et al. 2021, Table 2) with seeded random weights and
 * batch-norm statistics: stage widths and block counts; the first block of each stage has
 * stride 2. What `pnpm bench` collapses.
 */
export function repvggNetwork(widths: number[], blocks: number[], seed = 1): NetworkBlock[] {
  const next = seededRandom(seed);
  const out: NetworkBlock[] = [];
  let cin = 3;
  widths.forEach((width, stage) => {
    for (let b = 0; b < blocks[stage]; b++) {
      const stride = b === 0 ? 2 : 1;
      const expr = repvgg({
        inChannels: cin,
        outChannels: width,
        stride,
        dense: { weight: float32(width * cin * 9, next), batchNorm: bn(width, next) },
        pointwise: { weight: float32(width * cin, next), batchNorm: bn(width, next) },
        identity: cin === width && stride === 1 ? bn(width, next) : undefined,
      });
      out.push({ expr, weightBytes: bytesOf(expr) });
      cin = width;
    }
  });
  return out;
}

/** RepVGG-A0's stage widths and block counts (a = 0.75, b = 2.5). */
export const REPVGG_A0 = { widths: [48, 48, 96, 192, 1280], blocks: [1, 2, 4, 14, 1] };
/** RepVGG-B0's stage widths and block counts (a = 1, b = 2.5). */
export const REPVGG_B0 = { widths: [64, 64, 128, 256, 1280], blocks: [1, 4, 6, 16, 1] };

/**
 * ResNet-18's sixteen 3x3 convs, each a Diverse Branch Block (internal width = input width, as
 * DBB's ResNets have), with seeded random weights.
 */
export function dbbResnet18(seed = 2): NetworkBlock[] {
  const next = seededRandom(seed);
  const out: NetworkBlock[] = [];
  let cin = 64;
  for (const [stage, width] of [64, 128, 256, 512].entries()) {
    for (let conv = 0; conv < 4; conv++) {
      const stride = stage > 0 && conv === 0 ? 2 : 1;
      const expr = dbb({
        inChannels: cin,
        outChannels: width,
        kernelSize: 3,
        stride,
        origin: { weight: float32(width * cin * 9, next), batchNorm: bn(width, next) },
        pointwise: { weight: float32(width * cin, next), batchNorm: bn(width, next) },
        avg: {
          pointwise: { weight: float32(width * cin, next), batchNorm: bn(width, next) },
          batchNorm: bn(width, next),
        },
        kxk: {
          pointwise: { weight: float32(cin * cin, next), batchNorm: bn(cin, next) },
          kxk: { weight: float32(width * cin * 9, next), batchNorm: bn(width, next) },
        },
      });
      out.push({ expr, weightBytes: bytesOf(expr) });
      cin = width;
    }
  }
  return out;
}

/** The networks of `pnpm bench` (core), by the names the PyTorch peer uses. */
export const COLLAPSE_NETWORKS = (): [string, NetworkBlock[]][] => [
  ['RepVGG-A0', repvggNetwork(REPVGG_A0.widths, REPVGG_A0.blocks)],
  ['RepVGG-B0', repvggNetwork(REPVGG_B0.widths, REPVGG_B0.blocks)],
  ['DBB ResNet-18 (16 blocks)', dbbResnet18()],
];

/** Median wall time of collapsing every block of a network, over `runs` runs after one warm-up. */
export function medianCollapseMs(
  blocks: readonly NetworkBlock[],
  runs: number,
  collapseOne: (e: Expr) => unknown,
): number {
  const times: number[] = [];
  for (let r = 0; r <= runs; r++) {
    const start = now();
    for (const b of blocks) collapseOne(b.expr);
    if (r > 0) times.push(now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** `performance.now()` where the host has it (Node, browsers; not in core's ES2022 lib). */
const now = (): number =>
  (globalThis as { performance?: { now(): number } }).performance?.now() ?? Date.now();
