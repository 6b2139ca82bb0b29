/**
 * `--calibrate`: measures what every planned (architecture, method) costs on this machine, now,
 * and projects the whole run's duration, to choose sizes and epochs that fit the time budget.
 * Nothing is stored.
 */
import type * as tf from '@tensorflow/tfjs';
import { reparameterize, withSeededMathRandom } from '@reparam/tfjs';
import { loadavg } from 'node:os';
import { architectures, type ArchId } from './architectures.js';
import { useWasmBackend } from './backend.js';
import { loadFashionMnist, subset } from './data.js';
import { formatDuration } from './eta.js';
import { predictAll } from './evaluate.js';
import { latencyPair } from './measure.js';
import { runsOn, type Method } from './methods.js';
import type { Protocol } from './protocol.js';
import { deriveSeed } from './random.js';
import { cpuSecondsSince, stageSteps, trainStage } from './train.js';

/** Steps left out of the measured time per step: the first (tracing) and the profiled second. */
const WARM_STEPS = 2;
/** Test images per class evaluated here; the run's evaluation is scaled from them. */
const TEST_PER_CLASS = 100;

/**
 * CPU time is what is projected: on a machine shared with other jobs the wall time stretches with
 * the load, the CPU time of a one-thread worker much less. The projection assumes idle cores, one
 * worker per core, and runs packed without gaps.
 */
export async function calibrate(
  p: Protocol,
  archIds: readonly ArchId[],
  methods: readonly Method[],
  o: { seeds: number; jobs: number; steps: number; cacheDir: string; named: readonly string[] },
  log: (line: string) => void,
): Promise<number> {
  await useWasmBackend();
  const full = loadFashionMnist(o.cacheDir);
  const train = subset(full.train, Math.ceil(((o.steps + WARM_STEPS) * p.batchSize) / 10));
  const test = subset(full.test, Math.min(TEST_PER_CLASS, p.testPerClass));
  const testScale = p.testPerClass / (test.count / 10);
  const calibration: Protocol = { ...p, epochs: 1, warmupSteps: 1 };
  const stepsPerStage = stageSteps(p, 10 * p.trainPerClass);
  let total = 0;
  for (const arch of archIds) {
    const a = architectures[arch];
    let baseMs: number | undefined;
    for (const m of methods.filter((x) => runsOn(x, arch, o.named.includes(x.id)))) {
      let model: tf.LayersModel = withSeededMathRandom(deriveSeed(1, 'init'), () =>
        a.build(m.start.kind === 'scratch' ? m.start.block : 'conv', p),
      );
      if (m.start.kind === 'from-baseline') model = m.start.transform(model);
      let warm: NodeJS.CpuUsage | undefined;
      const r = await trainStage(model, train, calibration, 1, 'calibrate', (step) => {
        if (step === WARM_STEPS) warm = process.cpuUsage();
      });
      if (warm === undefined) throw new Error(`calibrate: ${arch} ${m.id} stopped before step 2`);
      const cpuMs = (1000 * cpuSecondsSince(warm)) / (r.steps - WARM_STEPS);
      baseMs ??= cpuMs;
      // What a run does after training: both forms on the test set (scaled), latency timings.
      const deploy = reparameterize(model).model;
      let t = process.cpuUsage();
      predictAll(model, test);
      predictAll(deploy, test);
      const evaluation = cpuSecondsSince(t) * testScale;
      t = process.cpuUsage();
      latencyPair(model, deploy, 1, p.latencyRuns);
      latencyPair(model, deploy, p.throughputBatch, p.throughputRuns);
      const latency = cpuSecondsSince(t);
      model.dispose();
      deploy.dispose();
      // A method starting from the baseline trains its own stage (the baseline's is the conv run's).
      const training = (stepsPerStage * cpuMs) / 1000;
      const seconds = o.seeds * (training + evaluation + latency);
      total += seconds;
      log(
        `${arch.padEnd(12)} ${m.id.padEnd(18)} ${cpuMs.toFixed(0).padStart(5)} CPU ms/step (${(cpuMs / baseMs).toFixed(2)}x), wall ${r.medianStepMs.toFixed(0).padStart(5)} ms; per run CPU: training ${formatDuration(training)}, evaluation ${formatDuration(evaluation)}, latency ${formatDuration(latency)}; ${formatDuration(seconds)} for ${o.seeds} seeds`,
      );
    }
  }
  const wall = total / o.jobs;
  log(
    `projected on idle cores: ${formatDuration(total)} of CPU time, ${formatDuration(wall)} on ${o.jobs} workers (${stepsPerStage} steps per stage; ${o.steps} steps measured after ${WARM_STEPS} warm-up steps); load average now ${loadavg()[0].toFixed(1)}`,
  );
  return wall;
}
