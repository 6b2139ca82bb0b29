import * as tf from '@tensorflow/tfjs';
import type { OnlineBranchKind } from '../../kernels/online-kernel.js';

/**
 * One branch of an online (OREPA) block: how its weights enter the block's KxK kernel. Kernels
 * are in the block's layout (`[K, K, c, o]` dense, `[K, K, c, m]` depthwise). `composed` is a
 * 1x1 (`first`) then a KxK (`second`): its weight is their product over the middle channels.
 */
export interface OnlineBranch {
  readonly kind: OnlineBranchKind | 'composed';
  readonly weights: readonly tf.LayerVariable[];
}

/**
 * The product of a composed branch, `P[u, v, c, o] = sum_j first[c, j] second[u, v, j, o]`
 * (dense, one matrix product with explicit transposes: tfjs-wasm's products with transposed
 * operands are ~10x slower), or `first[c] second[u, v, c, m]` (depthwise, multiplier-1 first).
 */
export function composedProduct(
  first: tf.Tensor,
  second: tf.Tensor,
  depthwise: boolean,
): tf.Tensor4D {
  if (depthwise) return tf.mul(second, first);
  const [k, , mid, o] = second.shape as [number, number, number, number];
  const c = first.shape[2] as number;
  const rows = tf.reshape(tf.transpose(second, [2, 0, 1, 3]), [mid, k * k * o]);
  const product = tf.matMul(tf.reshape(first, [c, mid]), rows);
  return tf.transpose(tf.reshape(product, [c, k, k, o]), [1, 2, 0, 3]);
}

/** Gradients of `first` and `second` from the gradient `dp` of {@link composedProduct}. */
export function composedProductGrad(
  first: tf.Tensor,
  second: tf.Tensor,
  dp: tf.Tensor,
  depthwise: boolean,
): [tf.Tensor, tf.Tensor] {
  const [k, , mid, o] = second.shape as [number, number, number, number];
  const c = first.shape[2] as number;
  if (depthwise) {
    // dfirst[c] = sum over taps and multipliers of dp * second.
    const perTap = tf.sum(tf.mul(dp, second), 3);
    const total = tf.matMul(tf.ones([1, k * k]), tf.reshape(perTap, [k * k, c]));
    return [tf.reshape(total, first.shape), tf.mul(dp, first)];
  }
  const toRows = (t: tf.Tensor): tf.Tensor2D =>
    tf.reshape(tf.transpose(t, [2, 0, 1, 3]), [t.shape[2] ?? 0, k * k * o]);
  const g = toRows(dp); // [c, K K o]
  const dFirst = tf.reshape(tf.matMul(g, tf.transpose(toRows(second))), first.shape);
  const dRows = tf.matMul(tf.transpose(tf.reshape(first, [c, mid])), g);
  return [dFirst, tf.transpose(tf.reshape(dRows, [mid, k, k, o]), [1, 2, 0, 3])];
}

/**
 * A branch's part of the KxK kernel from tfjs ops (differentiated by the tape), its scale `s`
 * given per output channel in the kernel's layout (`[o]` dense, `[c, m]` depthwise): the path
 * for backends without the fused kernel.
 */
export function branchKernel(
  branch: OnlineBranch,
  ws: readonly tf.Tensor[],
  s: tf.Tensor,
  k: number,
  depthwise: boolean,
  channels: number,
): tf.Tensor4D {
  const centre = (t: tf.Tensor): tf.Tensor4D => {
    const [dh, dw] = [(k - t.shape[0]) / 2, (k - (t.shape[1] ?? 0)) / 2];
    return tf.pad(t as tf.Tensor4D, [
      [dh, dh],
      [dw, dw],
      [0, 0],
      [0, 0],
    ]);
  };
  switch (branch.kind) {
    case 'embed':
      return centre(tf.mul(ws[0], s));
    case 'average':
      return tf.mul(tf.mul(ws[0], s), tf.fill([k, k, 1, 1], 1 / (k * k)));
    case 'identity': {
      const c = channels;
      return centre(
        depthwise ? tf.reshape(s, [1, 1, c, 1]) : tf.reshape(tf.mul(tf.eye(c), s), [1, 1, c, c]),
      );
    }
    case 'composed':
      return tf.mul(composedProduct(ws[0], ws[1], depthwise), s);
  }
}
