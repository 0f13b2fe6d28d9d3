/**
 * Experiments: stable assignment of variants, rollout stages and the global control group;
 * staged rollout with guardrails; always-valid statistics with a sample-ratio check. Pure.
 */
export * from './assignment';
export * from './statistics';
export * from './verdict';
export * from './rollout';
export * from './journey-experiment';
export * from './ports';
export * from './tally';
export * from './experiment-report';
export * from './halt-alert';
