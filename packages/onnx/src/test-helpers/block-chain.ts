import { ModelBuilder } from '../builder.js';
import type { ModelProto } from '../proto.js';
import { repvggBlock, Rng } from './blocks.js';

/** `blocks` RepVGG blocks in a row (4 channels, 6x6), each followed by a ReLU: one region each. */
export function blockChain(blocks: number): ModelProto {
  const b = new ModelBuilder(17);
  const rng = new Rng(11);
  let y = b.input('x', [1, 4, 6, 6]);
  for (let k = 0; k < blocks; k++) y = b.op('Relu', [repvggBlock(b, rng, y, 4, 4)]);
  b.output(y, [1, 4, 6, 6]);
  return b.build();
}
