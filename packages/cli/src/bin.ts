#!/usr/bin/env node
import { runCli } from './main.js';
import { exitOnSignals } from './signals.js';

exitOnSignals();
process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
});
