/** Prints training-time parameter counts of the builders at 224x224, 1000 classes. */
import * as tf from '@tensorflow/tfjs';
import { mobilenetV2, resnet18, blockKinds } from '../src/index.js';

await tf.setBackend('cpu');
for (const [name, make] of [
  ['resnet18', resnet18],
  ['mobilenetV2', mobilenetV2],
] as const) {
  for (const block of blockKinds) {
    const m = make({ block });
    console.log(
      `${name} ${block}: ${(m.countParams() / 1e6).toFixed(3)}M (trainable ${(m.trainableWeights.reduce((s, w) => s + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0) / 1e6).toFixed(3)}M)`,
    );
    m.dispose();
  }
}
