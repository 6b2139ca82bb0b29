// Entry point of the kernels module. Memory is imported (env.memory) so that the JS side owns
// allocation and, in the threaded build, shares one SharedArrayBuffer between workers.
export { gemm, gemmBatched, gemmRows, gemmRowsByRows } from './gemm';
export { im2col } from './im2col';
export { padPlanes } from './pad';
export { winograd2Input, winograd2Output } from './winograd2';

/** First byte the host may allocate (after this module's static data). */
export function heapBase(): usize {
  return __heap_base;
}
export { packGradRows, im2colT, col2im } from './backward';
export { weightGradDirect } from './weight-grad-direct';
export { winograd4Input, winograd4Output } from './winograd4';
export { transposeBatch } from './transpose';
export { depthwiseConv } from './depthwise';
export {
  addVectors,
  mulVectors,
  activateVectors,
  broadcastPlanes,
  channelAffine,
} from './elementwise';
export { pool2d, globalPool } from './pool';
export { dense } from './dense';
export { simdPeak } from './peak';
export { depthwise3x3 } from './depthwise3x3';
