// A stand-in for src/worker.ts in pool tests: method 'fail' reports a failure, 'crash' exits,
// 'hang' never finishes, anything else reports one step and finishes after `seed` x 20 ms.
process.on('message', ({ spec }) => {
  if (spec.method === 'crash') process.exit(3);
  if (spec.method === 'fail') {
    process.send({ type: 'failed', message: 'Error: asked to fail' });
    return;
  }
  process.send({ type: 'step', stage: spec.method, step: 1, steps: 2, loss: 1 });
  if (spec.method === 'hang') return;
  setTimeout(() => {
    process.send({
      type: 'done',
      result: { arch: spec.arch, method: spec.method, seed: spec.seed },
    });
  }, spec.seed * 20);
});
process.on('disconnect', () => process.exit(0));
process.send({ type: 'ready' });
