import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { reparameterize, resnet18 } from '@reparam/tfjs';
import {
  checkDeploySignature,
  deploySignature,
  DeployShapeMismatchError,
} from './deploy-signature.js';

describe('deploy signature', () => {
  it('is the same for every block at one size, and a different size is a DeployShapeMismatchError', async () => {
    await tf.setBackend('cpu');
    const signature = (block: 'conv' | 'dbb', width: number): string[] => {
      const m = resnet18({ block, width, inputShape: [16, 16, 1], classes: 3 });
      const d = reparameterize(m).model;
      const s = deploySignature(d);
      m.dispose();
      d.dispose();
      return s;
    };
    const base = signature('conv', 2);
    expect(() => checkDeploySignature('dbb', signature('dbb', 2), base)).not.toThrow();
    expect(() => checkDeploySignature('wider', signature('conv', 3), base)).toThrow(
      DeployShapeMismatchError,
    );
    expect(() => checkDeploySignature('shorter', base.slice(1), base)).toThrow(
      /at weighted layer 0/,
    );
  });
});
