// Browser smoke test: bundles the package (esbuild), serves it with COOP/COEP headers (so the page
// is cross-origin isolated and may use shared memory), and in headless Chromium runs a small
// residual network (strided stem, a residual block with batch-norm, squeeze-and-excitation,
// concat, classifier head) as a WasmGraph with 1 and 2 threads (Web Workers), loading
// build/reparam*.wasm from its default URL. Compares with the float64 evaluation of the same graph
// computed here. Exits 1 on any mismatch or error.
//   pnpm smoke:browser    (needs Debian's `chromium`; CHROMIUM=/path overrides /usr/bin/chromium)
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { makeConv, randomTensor, type Conv } from '@reparam/core';
import type { DeployGraph, GraphNode } from '../src/index.js';
import { evaluateGraph64 } from '../src/test-helpers/graph-reference.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function conv(shape: [number, number, number, number], seed: number, stride = 1): Conv {
  const size = shape.reduce((a, b) => a * b);
  return makeConv({
    shape,
    weight: Float32Array.from(randomTensor([1, 1, 1, size], seed).data, (v) => v * 0.3),
    bias: Float32Array.from(randomTensor([1, 1, 1, shape[0]], seed + 1).data, (v) => v * 0.1),
    stride,
    padding: shape[2] >> 1,
  });
}

const relu = { kind: 'relu' } as const;
const values = (n: number, seed: number) =>
  Float32Array.from(randomTensor([1, 1, 1, n], seed).data);
const nodes: GraphNode[] = [
  {
    op: 'conv',
    conv: conv([16, 3, 3, 3], 1, 2),
    activation: relu,
    name: 'stem',
    inputs: ['x'],
    output: 'stem',
  },
  {
    op: 'conv',
    conv: conv([16, 16, 3, 3], 3),
    activation: relu,
    name: 'a',
    inputs: ['stem'],
    output: 'a',
  },
  { op: 'conv', conv: conv([16, 16, 3, 3], 5), name: 'b', inputs: ['a'], output: 'b' },
  {
    op: 'channelAffine',
    scale: values(16, 7),
    shift: values(16, 8),
    name: 'bn',
    inputs: ['b'],
    output: 'bn',
  },
  { op: 'add', name: 'sum', inputs: ['bn', 'stem'], output: 'sum' },
  { op: 'activation', activation: relu, name: 'res', inputs: ['sum'], output: 'res' },
  { op: 'globalAvgPool', name: 'gap', inputs: ['res'], output: 'gap' },
  {
    op: 'conv',
    conv: conv([4, 16, 1, 1], 9),
    activation: relu,
    name: 'sq',
    inputs: ['gap'],
    output: 'sq',
  },
  {
    op: 'conv',
    conv: conv([16, 4, 1, 1], 11),
    activation: { kind: 'sigmoid' },
    name: 'ex',
    inputs: ['sq'],
    output: 'ex',
  },
  { op: 'mul', name: 'se', inputs: ['res', 'ex'], output: 'se' },
  {
    op: 'conv',
    conv: conv([8, 16, 3, 3], 13, 2),
    activation: relu,
    name: 'down',
    inputs: ['se'],
    output: 'down',
  },
  {
    op: 'maxPool',
    window: { kernel: [3, 3], stride: [2, 2], padding: [1, 1, 1, 1] },
    name: 'mp',
    inputs: ['se'],
    output: 'mp',
  },
  { op: 'concat', axis: 1, name: 'cat', inputs: ['down', 'mp'], output: 'cat' },
  { op: 'globalAvgPool', name: 'pool', inputs: ['cat'], output: 'pool' },
  { op: 'reshape', flattenAxis: 1, name: 'flat', inputs: ['pool'], output: 'flat' },
  {
    op: 'dense',
    weight: values(10 * 24, 15),
    bias: values(10, 16),
    name: 'fc',
    inputs: ['flat'],
    output: 'y',
  },
];
const graph: DeployGraph = {
  inputs: [{ name: 'x', shape: [1, 3, 32, 32] }],
  outputs: ['y'],
  nodes,
};
const input = randomTensor([1, 3, 32, 32], 7);
const expected = evaluateGraph64(graph, { x: input }).y;

const bundle = await build({
  entryPoints: [join(root, 'src/index.ts')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  conditions: ['@reparam/source'],
  write: false,
});

const page = `<!doctype html><script type="module">
import { WasmConvRuntime, WasmGraph } from '/bundle/index.js';
const spec = await (await fetch('/case.json')).json();
// Weights travel as plain arrays: turn them back into Float32Arrays.
const FLOATS = new Set(['weight', 'bias', 'scale', 'shift']);
const revive = (v) => v && typeof v === 'object' && !Array.isArray(v)
  ? Object.fromEntries(Object.entries(v).map(([k, w]) => [k, FLOATS.has(k) ? Float32Array.from(w) : revive(w)]))
  : v;
const graph = { ...spec.graph, nodes: spec.graph.nodes.map(revive) };
const results = [];
for (const [threads, relaxedSimd] of [[1, true], [2, true], [1, false], [2, false]]) {
  const rt = await WasmConvRuntime.create({ threads, relaxedSimd });
  const out = WasmGraph.compile(rt, graph).run({ data: Float32Array.from(spec.input), shape: spec.shape }).y;
  results.push({ threads: rt.threads, relaxed: rt.relaxedSimd, shape: out.shape, data: Array.from(out.data) });
  rt.dispose();
}
window.smoke = { isolated: crossOriginIsolated, results };
</script>`;

const caseJson = JSON.stringify(
  { graph, input: Array.from(input.data), shape: input.shape },
  (_, v: unknown) => (v instanceof Float32Array ? Array.from(v) : v),
);

const server = createServer((req, res) => {
  void (async () => {
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    };
    const url = req.url ?? '/';
    if (url === '/') res.writeHead(200, { ...headers, 'Content-Type': 'text/html' }).end(page);
    else if (url === '/case.json')
      res.writeHead(200, { ...headers, 'Content-Type': 'application/json' }).end(caseJson);
    else if (url === '/bundle/index.js') {
      res
        .writeHead(200, { ...headers, 'Content-Type': 'text/javascript' })
        .end(bundle.outputFiles[0].text);
    } else if (/^\/build\/reparam(-relaxed)?(-shared)?\.wasm$/.test(url)) {
      const bytes = await readFile(join(root, url));
      res.writeHead(200, { ...headers, 'Content-Type': 'application/wasm' }).end(bytes);
    } else res.writeHead(404).end();
  })();
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const address = server.address();
const port = typeof address === 'object' && address !== null ? address.port : 0;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
let failed = false;
try {
  const tab = await browser.newPage();
  const errors: string[] = [];
  tab.on('pageerror', (e) => errors.push(String(e)));
  await tab.goto(`http://127.0.0.1:${port}/`);
  await tab.waitForFunction(() => 'smoke' in window || false, undefined, { timeout: 60_000 });
  const smoke = (await tab.evaluate(() => (window as unknown as { smoke: unknown }).smoke)) as {
    isolated: boolean;
    results: { threads: number; relaxed: boolean; shape: number[]; data: number[] }[];
  };
  const scale = Math.max(...expected.data.map(Math.abs));
  for (const r of smoke.results) {
    let err = 0;
    for (let i = 0; i < expected.data.length; i++)
      err = Math.max(err, Math.abs(r.data[i] - expected.data[i]));
    const ok = r.data.length === expected.data.length && err / scale < 1e-4;
    failed ||= !ok;
    console.log(
      `browser-smoke: ${r.threads} thread(s), ${r.relaxed ? 'relaxed SIMD' : 'SIMD128'}, output [${r.shape.join(', ')}], max error ${(err / scale).toExponential(2)} x max|y| ${ok ? 'ok' : 'FAIL'}`,
    );
  }
  if (!smoke.isolated || !smoke.results.some((r) => r.threads === 2)) {
    failed = true;
    console.log(
      `browser-smoke: FAIL, page not cross-origin isolated or threads fell back (isolated=${smoke.isolated})`,
    );
  }
  if (errors.length > 0) {
    failed = true;
    console.log(`browser-smoke: page errors: ${errors.join('; ')}`);
  }
} catch (e) {
  failed = true;
  console.log(`browser-smoke: FAIL ${String(e)}`);
} finally {
  await browser.close();
  server.close();
}
process.exit(failed ? 1 : 0);
