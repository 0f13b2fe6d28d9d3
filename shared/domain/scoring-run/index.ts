/** The nightly scoring run: pure glue between the stored items and the models, and its use cases. */
export * from './cost';
export * from './ports';
export * from './reference';
export * from './run-date';
export * from './run-summary';
export * from './score-record';
export * from './run-tasks';
export * from './user-features';
export * from './run-requests';
