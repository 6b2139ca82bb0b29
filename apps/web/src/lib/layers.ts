/**
 * Registers every @reparam/tfjs layer class with tfjs's serialization, so that saved models load
 * in a worker that does not construct them itself. The package registers each class when its
 * module loads, but a bundler (Vite 8 here) drops the modules of classes a worker never names,
 * registration included: naming them all here keeps them.
 */
import * as tf from '@tensorflow/tfjs';
import * as reparamTfjs from '@reparam/tfjs';

for (const value of Object.values(reparamTfjs)) {
  const concrete = typeof value === 'function' && Object.hasOwn(value, 'className'); // not abstract bases
  if (concrete && value.prototype instanceof reparamTfjs.ReparamLayer)
    tf.serialization.registerClass(value as typeof reparamTfjs.ConvBN);
}
