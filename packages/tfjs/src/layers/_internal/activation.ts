import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '@reparam/core';

/** Activations a block may end with; each is also a valid tfjs `Conv2D` activation for the deploy form. */
export const activationNames = ['linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'swish'] as const;
/** One of {@link activationNames}. */
export type ActivationName = (typeof activationNames)[number];

/** Validates an activation name, naming the calling layer in the error. */
export function checkActivation(fn: string, name: string): ActivationName {
  const found = activationNames.find((a) => a === name);
  if (found === undefined)
    throw new ShapeError(`${fn}: activation '${name}' is not one of ${activationNames.join(', ')}`);
  return found;
}

/** Applies an activation by name. */
export function activate(x: tf.Tensor4D, name: ActivationName): tf.Tensor4D {
  switch (name) {
    case 'linear':
      return x;
    case 'relu':
      return tf.relu(x);
    case 'relu6':
      return tf.relu6(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'tanh':
      return tf.tanh(x);
    case 'swish':
      return tf.mul(x, tf.sigmoid(x));
  }
}
