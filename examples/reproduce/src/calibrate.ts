/**
 * `--calibrate`: measures the time per training step of every planned (architecture, method) on
 * this machine, now, and projects the whole run's duration, to choose sizes and epochs that fit
 * the time budget. Nothing is stored.
 */
import type * as tf from '@tensorflow/tfjs';
import { loadavg } from 'node:os';
import { architectures, type ArchId } from './architectures.js';
import { useWasmBackend } from './backend.js';
import { loadFashionMnist, subset } from './data.js';
import { formatDuration } from './eta.js';
import type { Method } from './methods.js';
import type { Protocol } from './protocol.js';
import { deriveSeed, withSeededMathRandom } from './random.js';
import { trainStage } from './train.js';

/** Measured ms per step of each (arch, method), and the projected seconds of the whole run. */
export async function calibrate(
  p: Protocol,
  archIds: readonly ArchId[],
  methods: readonly Method[],
  o: { seeds: number; jobs: number; steps: number; overheadSeconds: number; cacheDir: string },
  log: (line: string) => void,
): Promise<number> {
  await useWasmBackend();
  const data = subset(
    loadFashionMnist(o.cacheDir).train,
    Math.ceil(((o.steps + 2) * p.batchSize) / 10),
  );
  const calibration: Protocol = { ...p, epochs: 1, warmupSteps: 1 };
  let total = 0;
  const stepsPerRun = p.epochs * Math.floor((10 * p.trainPerClass) / p.batchSize);
  for (const arch of archIds) {
    const a = architectures[arch];
    const baseMs: number[] = [];
    for (const m of methods.filter((x) => x.archs.includes(arch))) {
      let model: tf.LayersModel = withSeededMathRandom(deriveSeed(1, 'init'), () =>
        a.build(m.start.kind === 'scratch' ? m.start.block : 'conv', p),
      );
      if (m.start.kind === 'from-baseline') model = m.start.transform(model);
      const r = await trainStage(model, data, calibration, 1, 'calibrate', () => undefined);
      model.dispose();
      // CPU time per step (the first two steps, warm-up and the profiled one, included): what a
      // step costs on an idle core, whatever the load of the shared machine.
      const cpuMs = (1000 * r.cpuSeconds) / r.steps;
      if (m.id === 'conv' || m.id === 'repvgg-none') baseMs.push(cpuMs);
      const seconds = o.seeds * (stepsPerRun * (cpuMs / 1000) + o.overheadSeconds);
      total += seconds;
      log(
        `${arch.padEnd(12)} ${m.id.padEnd(18)} ${cpuMs.toFixed(0).padStart(6)} CPU ms/step (${(cpuMs / baseMs[0]).toFixed(2)}x), wall ${r.medianStepMs.toFixed(0).padStart(6)} ms  ${formatDuration(seconds)} CPU for ${o.seeds} seeds`,
      );
    }
  }
  const wall = total / o.jobs;
  log(
    `projected on idle cores: ${formatDuration(total)} of CPU time, ${formatDuration(wall)} on ${o.jobs} workers (${stepsPerRun} steps per run, ${o.overheadSeconds} CPU s overhead per run assumed); load average now ${loadavg()[0].toFixed(1)}`,
  );
  return wall;
}
