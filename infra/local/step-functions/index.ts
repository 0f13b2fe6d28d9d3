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
export {
  firstResolver,
  integrationErrorName,
  parseIntegrationResource,
  sdkIntegrationHandler,
  type IntegrationTarget,
  type SdkClient,
  type SdkClients,
} from './sdk-integration-handler';
export { startStepFunctionsServer, type StepFunctionsServer } from './step-functions-server';
