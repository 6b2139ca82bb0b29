// Times core's `collapse` of the benchmark networks with this package's SIMD product injected
// (`wasmMatrixProduct`) and prints one JSON line { network: ms }; run by
// packages/core/bench/collapse.bench.ts, one process per thread count:
//   tsx --conditions=@reparam/source bench/collapse-product.ts <threads> <runs>
import { collapse } from '@reparam/core';
import { COLLAPSE_NETWORKS, medianCollapseMs } from '@reparam/core/testing';
import { WasmConvRuntime, wasmMatrixProduct } from '../src/index.js';

const threads = Number(process.argv[2] ?? 1);
const runs = Number(process.argv[3] ?? 7);
const rt = await WasmConvRuntime.create({ threads });
const product = wasmMatrixProduct(rt);
const result: Record<string, number> = {};
for (const [name, blocks] of COLLAPSE_NETWORKS()) {
  result[name] = medianCollapseMs(blocks, runs, (e) => collapse(e, { product }));
}
rt.dispose();
console.log(JSON.stringify({ threads: rt.threads, relaxedSimd: rt.relaxedSimd, ms: result }));
