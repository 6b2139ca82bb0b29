// Browser smoke test: bundles the package (esbuild), serves it with COOP/COEP headers (so the page
// is cross-origin isolated and may use shared memory), and in headless Chromium runs a small
// WasmNetwork with 1 and 2 threads (Web Workers), loading build/reparam*.wasm from its default
// URL. Compares with core's float64 reference computed here. Exits 1 on any mismatch or error.
//   pnpm smoke:browser    (needs Debian's `chromium`; CHROMIUM=/path overrides /usr/bin/chromium)
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import {
  conv2dReference,
  makeConv,
  randomTensor,
  tensor,
  type Conv,
  type Tensor,
} from '@reparam/core';

const root = fileURLToPath(new URL('..', import.meta.url));

function conv(shape: [number, number, number, number], seed: number, stride: number): Conv {
  const size = shape.reduce((a, b) => a * b);
  return makeConv({
    shape,
    weight: Float32Array.from(randomTensor([1, 1, 1, size], seed).data),
    bias: Float32Array.from(randomTensor([1, 1, 1, shape[0]], seed + 1).data),
    stride,
    padding: 1,
  });
}

const convs = [conv([16, 3, 3, 3], 1, 2), conv([16, 16, 3, 3], 3, 1), conv([24, 16, 3, 3], 5, 2)];
const input = randomTensor([1, 3, 32, 32], 7);
const relu = (t: Tensor) =>
  tensor(
    t.shape,
    t.data.map((v) => Math.max(0, v)),
  );
const expected = convs.reduce((t, c) => relu(conv2dReference(t, c)), input);

const bundle = await build({
  entryPoints: [join(root, 'src/index.ts')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  conditions: ['@reparam/source'],
  external: ['node:*'],
  write: false,
});

const page = `<!doctype html><script type="module">
import { WasmConvRuntime, WasmNetwork } from '/bundle/index.js';
const spec = await (await fetch('/case.json')).json();
const layers = spec.convs.map((c) => ({ type: 'conv', relu: true, conv: {
  shape: c.shape, weight: Float32Array.from(c.weight), bias: Float32Array.from(c.bias), geometry: c.geometry } }));
const results = [];
for (const [threads, relaxedSimd] of [[1, true], [2, true], [1, false], [2, false]]) {
  const rt = await WasmConvRuntime.create({ threads, relaxedSimd });
  const out = WasmNetwork.compile(rt, layers).run(Float32Array.from(spec.input), spec.shape);
  results.push({ threads: rt.threads, relaxed: rt.relaxedSimd, shape: out.shape, data: Array.from(out.data) });
  rt.dispose();
}
window.smoke = { isolated: crossOriginIsolated, results };
</script>`;

const caseJson = JSON.stringify({
  convs: convs.map((c) => ({
    shape: c.shape,
    weight: Array.from(c.weight),
    bias: Array.from(c.bias),
    geometry: c.geometry,
  })),
  input: Array.from(input.data),
  shape: input.shape,
});

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
