import type { EngineLogger } from '../../engines/sdk/index.js';

export const silentLogger: EngineLogger = { debug() {}, info() {}, warn() {}, error() {} };
