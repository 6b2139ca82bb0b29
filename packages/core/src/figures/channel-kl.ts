import type { Kernel } from './kernel-skeleton.js';
import { checkKernel } from './kernel-skeleton.js';
import { ShapeError } from '../errors.js';

/** Options of {@link channelKlMatrix}. */
export interface ChannelKlOptions {
  /** Compare only the first this many output channels (default 64, as the RefConv paper). */
  readonly channels?: number;
}

/** Pairwise KL divergences between the first `channels` channels of a kernel. */
export interface ChannelKlMatrix {
  readonly channels: number;
  /** `channels x channels`, row-major: entry `[i, j]` is `KL(p_i || p_j)` in nats. */
  readonly values: Float64Array;
}

/**
 * RefConv's channel similarity (Cai et al., 2023, "RefConv reduces channel redundancy"): each
 * output channel's kernel `W[o]` (its `in/groups * kh * kw` taps, so a depthwise channel's KxK
 * kernel) becomes a distribution `p_o = softmax(W[o])`, and entry `[i, j]` is
 * `KL(p_i || p_j) = sum_t p_i(t) (log p_i(t) - log p_j(t))`. Small values mean similar,
 * redundant channels. Our reading of the paper: softmax over the flattened taps of one channel,
 * KL in nats, asymmetric, the diagonal zero; drawn as `log10(1 + KL)`.
 */
export function channelKlMatrix(kernel: Kernel, options: ChannelKlOptions = {}): ChannelKlMatrix {
  const fn = 'channelKlMatrix';
  const size = checkKernel(fn, kernel);
  const limit = options.channels ?? 64;
  if (!Number.isInteger(limit) || limit < 1)
    throw new ShapeError(`${fn}: channels ${limit} must be a positive integer`);
  const n = Math.min(limit, kernel.shape[0]);
  const taps = size / kernel.shape[0];
  // log-softmax of each channel, computed stably (shift by the channel's largest tap).
  const logP = new Float64Array(n * taps);
  for (let c = 0; c < n; c++) {
    const row = kernel.weight.subarray(c * taps, (c + 1) * taps);
    let top = -Infinity;
    for (const v of row) top = Math.max(top, v);
    let sum = 0;
    for (const v of row) sum += Math.exp(v - top);
    const logSum = Math.log(sum) + top;
    for (let t = 0; t < taps; t++) logP[c * taps + t] = row[t] - logSum;
  }
  const values = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let kl = 0;
      for (let t = 0; t < taps; t++) {
        const li = logP[i * taps + t];
        kl += Math.exp(li) * (li - logP[j * taps + t]);
      }
      values[i * n + j] = i === j ? 0 : Math.max(0, kl);
    }
  }
  return { channels: n, values };
}
