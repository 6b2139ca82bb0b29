import { dbb, repvgg, seededRandom, type BatchNorm, type Expr } from '@reparam/core';

/** A block of a network and the input channels it reads. */
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

/** RepVGG (Ding et al. 2021, Table 2): stage widths and block counts; the first block of each stage has stride 2. */
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

export const REPVGG_A0 = { widths: [48, 48, 96, 192, 1280], blocks: [1, 2, 4, 14, 1] };
export const REPVGG_B0 = { widths: [64, 64, 128, 256, 1280], blocks: [1, 4, 6, 16, 1] };

/** ResNet-18's sixteen 3x3 convs, each a Diverse Branch Block (internal width = input width). */
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
