/** Product health: the metric definitions, alert levels and the STOP rule (pure, no I/O). */
export * from './alerts';
export * from './config';
export * from './errors';
export * from './feedback';
export * from './message-rates';
export * from './metrics';
export * from './ports';
export * from './stop-flow';
export * from './tally-chunks';
