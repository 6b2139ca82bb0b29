import { conv2dReference, type Tensor } from '@reparam/core';
import { describeRuntime } from './describe-runtime.js';

// The suite against core's own reference in float32: checks the cases are well-formed and that a
// float32 evaluation passes at the default tolerance.
describeRuntime({
  name: 'core reference (float32 output)',
  run: (input: Tensor, conv) => Float32Array.from(conv2dReference(input, conv).data),
});
