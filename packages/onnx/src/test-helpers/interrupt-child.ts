/**
 * Child process of interrupt.test.ts: converts a chain of blocks and sends itself SIGINT when
 * the collapse stage starts; the handler prints how many collapse steps had begun, and exits 130.
 */
import { convertModel } from '../convert.js';
import { blockChain } from './block-chain.js';

let steps = 0;
process.on('SIGINT', () => {
  process.stdout.write(`${JSON.stringify({ steps })}\n`);
  process.exit(130);
});
await convertModel(blockChain(Number(process.argv[2])), {
  verify: false,
  onProgress: (stage) => {
    if (stage !== 'collapse') return;
    steps++;
    if (steps === 1) process.kill(process.pid, 'SIGINT');
  },
});
process.stdout.write(`${JSON.stringify({ steps, finished: true })}\n`);
