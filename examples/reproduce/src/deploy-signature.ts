import type * as tf from '@tensorflow/tfjs';

/** A deploy model whose architecture differs from the baseline's deploy model. */
export class DeployShapeMismatchError extends Error {
  override readonly name = 'DeployShapeMismatchError';
}

/**
 * The architecture of a model without its names: per layer with weights, its class and weight
 * shapes, in order.
 */
export function deploySignature(model: tf.LayersModel): string[] {
  return model.layers
    .filter((l) => l.weights.length > 0)
    .map((l) => `${l.getClassName()}(${l.weights.map((w) => w.shape.join('x')).join(', ')})`);
}

/**
 * Throws a {@link DeployShapeMismatchError} naming the first differing layer unless `model`'s
 * deploy architecture is `reference`'s: every method must deploy to the baseline's network.
 */
export function checkDeploySignature(what: string, got: string[], reference: string[]): void {
  const n = Math.max(got.length, reference.length);
  for (let i = 0; i < n; i++) {
    if (got[i] !== reference[i]) {
      throw new DeployShapeMismatchError(
        `checkDeploySignature: the deploy model of ${what} differs from the baseline's at weighted layer ${i}: ${got[i] ?? 'nothing'} vs ${reference[i] ?? 'nothing'} (${got.length} vs ${reference.length} weighted layers); a method must deploy to the baseline architecture`,
      );
    }
  }
}
