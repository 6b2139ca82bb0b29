// Benchmark workloads: single 3x3 stride-1 convs and RepVGG-A0 (deploy form) at 224x224.
import { seededRandom } from '@reparam/core';

/** One conv of a plain network (3x3 pad 1 unless kernel says otherwise), OIHW weights. */
export interface ConvSpec {
  readonly inC: number;
  readonly outC: number;
  readonly stride: number;
  readonly kernel: number;
  readonly relu: boolean;
}

/** A plain network: convs, then optional global average pooling + dense head. */
export interface NetSpec {
  readonly name: string;
  readonly inputShape: [number, number, number, number];
  readonly convs: readonly ConvSpec[];
  /** Classes of the GAP + Gemm head, 0 for none. */
  readonly classes: number;
}

function single(c: number, size: number): NetSpec {
  return {
    name: `3x3 s1, ${c} ch ${size}x${size}`,
    inputShape: [1, c, size, size],
    convs: [{ inC: c, outC: c, stride: 1, kernel: 3, relu: true }],
    classes: 0,
  };
}

/**
 * RepVGG-A0 after re-parameterization (Ding et al., CVPR 2021, Table 2): widths
 * [min(64, 64a), 64a, 128a, 256a, 512b] with a = 0.75, b = 2.5, depths [1, 2, 4, 14, 1], the first
 * conv of each stage stride 2, every conv 3x3 pad 1 + ReLU, then GAP and a 1000-way FC.
 */
export function repvggA0(size = 224): NetSpec {
  const widths = [48, 48, 96, 192, 1280];
  const depths = [1, 2, 4, 14, 1];
  const convs: ConvSpec[] = [];
  let inC = 3;
  widths.forEach((w, s) => {
    for (let i = 0; i < depths[s]; i++) {
      convs.push({ inC, outC: w, stride: i === 0 ? 2 : 1, kernel: 3, relu: true });
      inC = w;
    }
  });
  return {
    name: `RepVGG-A0 ${size}x${size}`,
    inputShape: [1, 3, size, size],
    convs,
    classes: 1000,
  };
}

/** The benchmark's workloads, in table order. */
export function workloads(): NetSpec[] {
  return [single(64, 56), single(128, 28), single(256, 14), repvggA0()];
}

/** Direct-convolution FLOPs (2 per multiply-add) of a network, head included. */
export function flopsOf(net: NetSpec): number {
  let [, , h, w] = net.inputShape;
  let flops = 0;
  let last = net.inputShape[1];
  for (const c of net.convs) {
    h = Math.floor((h + 2 * (c.kernel >> 1) - c.kernel) / c.stride) + 1;
    w = Math.floor((w + 2 * (c.kernel >> 1) - c.kernel) / c.stride) + 1;
    flops += 2 * c.outC * c.inC * c.kernel * c.kernel * h * w;
    last = c.outC;
  }
  return flops + 2 * last * net.classes;
}

/** Deterministic weights: OIHW per conv, then the head [classes, channels] and its bias. */
export function weightsOf(
  net: NetSpec,
  seed = 1,
): { convs: Float32Array[]; biases: Float32Array[] } {
  const next = seededRandom(seed);
  const fill = (n: number, scale: number) =>
    Float32Array.from({ length: n }, () => (next() * 2 - 1) * scale);
  const convs: Float32Array[] = [];
  const biases: Float32Array[] = [];
  for (const c of net.convs) {
    const fanIn = c.inC * c.kernel * c.kernel;
    convs.push(fill(c.outC * fanIn, Math.sqrt(3 / fanIn)));
    biases.push(fill(c.outC, 0.1));
  }
  if (net.classes > 0) {
    const ch = net.convs[net.convs.length - 1].outC;
    convs.push(fill(net.classes * ch, Math.sqrt(3 / ch)));
    biases.push(fill(net.classes, 0.1));
  }
  return { convs, biases };
}
