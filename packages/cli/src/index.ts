export { parseArgs, parseShape, type CliArgs } from './args.js';
export { ExitCode, HELP, runCli } from './main.js';
export type { CliIO } from './progress.js';
