export { conformanceCases, type ConformanceCase } from './cases.js';
export { describeRuntime, type ConvRuntime } from './describe-runtime.js';
export { describeBrowserEntry, type BrowserEntry } from './describe-browser-entry.js';
