/** Customer models: the public API of shared/domain/models. */
export * from './bgnbd';
export * from './clv';
export * from './errors';
export * from './gamma-gamma';
export * from './quadrant';
export * from './random';
export * from './ranking';
export * from './rfm';
export * from './scoring';
export * from './silence';
export * from './simulate';
export * from './special-functions';
export * from './summary';
export * from './tiers';
export { minimizeBfgs, minimizeNelderMead, type MinimizeResult } from './optimize';
