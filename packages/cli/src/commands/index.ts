import type { Command } from '../command.js';
import { bench } from './bench.js';
import { convert } from './convert.js';
import { inspect } from './inspect.js';
import { run } from './run.js';
import { verify } from './verify.js';

/** Every `reparam` command, in the order `reparam --help` lists them. Adding one: a file + a line here. */
export const COMMANDS: readonly Command[] = [convert, inspect, verify, run, bench];
