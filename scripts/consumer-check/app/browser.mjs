// Opens the bundled pages in Debian's Chromium (playwright-core) on a local server that sends
// COOP/COEP (cross-origin isolated, so threads work), and once without them. Checks: the wasm
// runtime at 2 threads agrees with core's reference, a missing .wasm names its URL and the fix,
// @reparam/onnx converts and verifies a fixture in the page, a tfjs block trains one step on
// tfjs's wasm backend and reparameterizes, a saved model of blocks the page never names loads;
// on the plain server, 1 thread and exactly one warning naming both headers.
//   node browser.mjs vite vite-minify-esbuild esbuild [webpack]
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, normalize } from 'node:path';
import { chromium } from 'playwright-core';

const here = (path) => new URL(path, import.meta.url).pathname;
const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
};
const ROOTS = {
  vite: 'dist-vite',
  esbuild: 'dist-esbuild',
  webpack: 'dist-webpack',
  'vite-minify-esbuild': 'dist-vite-minify-esbuild',
  'tfjs-wasm': 'node_modules/@tensorflow/tfjs-backend-wasm/dist',
  'reparam-wasm': 'node_modules/@reparam/wasm/build',
  ort: 'node_modules/onnxruntime-web/dist',
  fixtures: 'fixtures',
};
// esbuild copies no .wasm file: its page gets both base paths (the apps' documented fix).
// tfjs-backend-wasm's threads break under Vite's default minifier (its pthread workers run the
// minified factory's source text): the default Vite page trains on one thread, the page built
// with `minify: 'esbuild'` (the step packages/tfjs/README.md documents) at 2 threads.
const QUERY = {
  vite: '?tfjsWasm=/tfjs-wasm/&tfjsThreads=off',
  'vite-minify-esbuild': '?tfjsWasm=/tfjs-wasm/&skip=onnx',
  esbuild: '?wasmPaths=/reparam-wasm/&ortPaths=/ort/&tfjsWasm=/tfjs-wasm/',
};
const TFJS_THREADS = { vite: 1, 'vite-minify-esbuild': 2, esbuild: 2, webpack: 1 };

/** Paths answered 404, other than the page's deliberate /missing/ and the browser's favicon. */
const notFound = [];

function serve(isolated) {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    const [, top, ...rest] = path.split('/');
    const root = ROOTS[top];
    const headers = isolated
      ? {
          'Cross-Origin-Opener-Policy': 'same-origin',
          'Cross-Origin-Embedder-Policy': 'require-corp',
        }
      : {};
    const missing = () => {
      if (!/^\/missing\/|favicon\.ico$/.test(path)) notFound.push(path);
      res.writeHead(404, headers).end();
    };
    if (root === undefined) return missing();
    const file = here(`${root}/${rest.join('/') || 'index.html'}`);
    readFile(file).then(
      (body) =>
        res
          .writeHead(200, {
            ...headers,
            'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
          })
          .end(body),
      missing,
    );
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const failures = [];
const fail = (message) => {
  failures.push(message);
  console.error(`browser: FAIL ${message}`);
};

async function open(browser, url) {
  const tab = await browser.newPage();
  // tfjs-backend-wasm sizes its pthread pool at hardwareConcurrency / 2, and CI has 2 cores.
  await tab.addInitScript(() =>
    Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => 4 }),
  );
  const messages = [];
  tab.on('console', (m) => messages.push(`${m.type()}: ${m.text()}`));
  tab.on('pageerror', (e) => messages.push(`pageerror: ${e.message}`));
  await tab.goto(url);
  try {
    await tab.waitForFunction(() => 'result' in window || 'failure' in window, undefined, {
      timeout: 180_000,
    });
  } catch (e) {
    await tab.close();
    return { failure: `no result: ${e.message.split('\n')[0]}`, messages };
  }
  const { result, failure } = await tab.evaluate(() => ({
    result: window.result,
    failure: window.failure,
  }));
  await tab.close();
  return { result, failure, messages };
}

const bundles = process.argv.slice(2);
const isolatedServer = await serve(true);
const plainServer = await serve(false);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-component-update',
  ],
});
try {
  for (const bundle of bundles) {
    const base = `http://127.0.0.1:${isolatedServer.address().port}/${bundle}/`;
    const { result, failure, messages } = await open(browser, base + (QUERY[bundle] ?? ''));
    if (failure !== undefined) {
      fail(`${bundle}: the page threw ${failure}\n  ${messages.join('\n  ')}`);
      continue;
    }
    const { wasm, onnx, tfjs, saved, missingWasm } = result;
    console.log(
      `browser: ${bundle}: isolated ${result.isolated}, wasm ${wasm.threads} threads (${wasm.relaxedSimd ? 'relaxed SIMD' : 'SIMD128'}) error ${wasm.error.toExponential(1)}, onnx ${onnx === undefined ? 'skipped' : `verified ${onnx.ok} (${onnx.nodes.join(' -> ')} nodes, worst ${onnx.worst.toExponential(1)})`}, tfjs ${tfjs.backend} ${tfjs.threads} thread(s) (${tfjs.binary}) loss ${tfjs.loss.toFixed(3)} reparameterize ${tfjs.error.toExponential(1)}, saved ${saved.classes.join('+')} loaded ${saved.loaded.toExponential(1)} deployed ${saved.deployed.toExponential(1)}`,
    );
    if (!result.isolated) fail(`${bundle}: the page is not cross-origin isolated`);
    if (wasm.threads !== 2) fail(`${bundle}: the wasm runtime got ${wasm.threads} threads, not 2`);
    if (!(wasm.error < 1e-4))
      fail(`${bundle}: wasm differs from core's reference by ${wasm.error}`);
    if (onnx?.ok === false)
      fail(`${bundle}: @reparam/onnx did not verify the conversion in the page`);
    if (!(tfjs.error < 1e-4 && Number.isFinite(tfjs.loss)))
      fail(`${bundle}: the trained tfjs block: loss ${tfjs.loss}, deploy differs by ${tfjs.error}`);
    const tfjsBackend = QUERY[bundle]?.includes('tfjsWasm') ? 'wasm' : 'cpu';
    if (tfjs.backend !== tfjsBackend || tfjs.threads !== TFJS_THREADS[bundle])
      fail(
        `${bundle}: tfjs ran on ${tfjs.backend} at ${tfjs.threads} thread(s), not ${tfjsBackend} at ${TFJS_THREADS[bundle]}`,
      );
    if (!(saved.loaded < 1e-4 && saved.deployed < 1e-4))
      fail(
        `${bundle}: the saved model differs from Node's output by ${saved.loaded}/${saved.deployed}`,
      );
    const missing = `http://127.0.0.1:${isolatedServer.address().port}/missing/reparam.wasm`;
    if (!missingWasm.includes(missing) || !missingWasm.includes("wasmPaths: '/folder/'"))
      fail(`${bundle}: a missing .wasm should name ${missing} and wasmPaths, got: ${missingWasm}`);
    const pageErrors = messages.filter(
      (m) => m.startsWith('pageerror') || (m.startsWith('error') && !m.includes('404')),
    );
    pageErrors.push(...notFound.splice(0).map((path) => `404 for ${path}`));
    if (pageErrors.length > 0) fail(`${bundle}: page errors:\n  ${pageErrors.join('\n  ')}`);
  }
  // Not cross-origin isolated: threads asked for, one thread obtained, one warning naming both headers.
  const bundle = bundles[0];
  const plain = `http://127.0.0.1:${plainServer.address().port}/${bundle}/?skip=onnx&${(QUERY[bundle] ?? '?').slice(1)}`;
  const { result, failure, messages } = await open(browser, plain);
  const warnings = messages.filter(
    (m) =>
      m.includes('@reparam/wasm') &&
      m.includes('Cross-Origin-Opener-Policy') &&
      m.includes('Cross-Origin-Embedder-Policy'),
  );
  console.log(
    `browser: ${bundle} without COOP/COEP: isolated ${result?.isolated}, wasm ${result?.wasm.threads} thread(s), ${warnings.length} warning(s) naming both headers`,
  );
  if (failure !== undefined) fail(`${bundle} without COOP/COEP: the page threw ${failure}`);
  else if (result.isolated || result.wasm.threads !== 1 || warnings.length !== 1)
    fail(
      `${bundle} without COOP/COEP: expected 1 thread and exactly one warning naming both headers`,
    );
} finally {
  await browser.close();
  isolatedServer.close();
  plainServer.close();
}
process.exit(failures.length > 0 ? 1 : 0);
