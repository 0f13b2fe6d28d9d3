export { findJsonataStates, type JsonataUse } from './jsonata-guard';
export { LocalStepFunctions } from './local-step-functions';
export type {
  LocalStepFunctionsOptions,
  StartExecutionRequest,
  StartExecutionResult,
  StateMachineRegistration,
  StateMachineType,
} from './local-step-functions';
export { InMemoryExecutionStore, type ExecutionRecord, type ExecutionStatus, type ExecutionStore } from './execution-store';
export type { TaskContext, TaskHandler, TaskHandlerResolver } from './task-runner';
export * from './errors';
