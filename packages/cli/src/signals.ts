import { ExitCode } from './main.js';

/**
 * Exits with 130 on SIGINT and 143 on SIGTERM (the shell convention) instead of dying mid-step.
 * Node runs the handler between synchronous steps, so a model being written is either renamed
 * into place whole or never was: no temporary file is left behind.
 */
export function exitOnSignals(): void {
  process.on('SIGINT', () => process.exit(ExitCode.interrupted));
  process.on('SIGTERM', () => process.exit(ExitCode.terminated));
}
