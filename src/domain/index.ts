export * from './event';
export * from './filter';
export * from './source';
export * from './window';
export * from './errors';
export * from './status';
export * from './caller';
export * from './telemetry';
