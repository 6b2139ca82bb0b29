export { defineCommand, type Command, type CommandInput, type CommandSpec } from './command.js';
export { COMMANDS } from './commands/index.js';
export { DEFAULT_TIMEOUT_S } from './commands/run-options.js';
export { escapeText } from './escape.js';
export type { CliIO } from './io.js';
export { ExitCode, VERSION, globalHelp, runCli } from './main.js';
export {
  common,
  flag,
  parseShape,
  positiveInteger,
  positiveNumber,
  stringValue,
  MAX_TIMEOUT_S,
  type OptionSpec,
  type OptionSpecs,
  type OptionValues,
} from './options.js';
export { parameterCount, summarize, summaryTable, type Summary } from './summary.js';
