/**
 * The recall journeys domain: definitions as data, the plan one generic state machine runs, the
 * per-step rules of the `CheckExitAndSend` task, audiences, holdout, execution names, launch
 * preview with cost, lifecycle and the report. Pure: no AWS SDK, no I/O, no clock reads.
 */
export * from './errors';
export * from './journey-definition';
export * from './default-journeys';
export * from './transition-budget';
export * from './journey-plan';
export * from './journey-lifecycle';
export * from './audience';
export * from './holdout';
export * from './execution-name';
export * from './launch-preview';
export * from './proportion-intervals';
export * from './journey-report';
export * from './automatic-recall';
export * from './stored-journey';
export * from './journey-records';
export * from './comeback';
export * from './journey-template-data';
export * from './launch-request';
export * from './ports';
export * from './launch-progress';
export * from './audience-bands';
export * from './audience-summary';
export * from './audience-count';
export * from './lifecycle';
export * from './journey-step-report';
export * from './template-variables';
