/**
 * Errors of the local Step Functions runtime. API errors carry the names the Step Functions API
 * uses (`ExecutionAlreadyExists`, `ExecutionDoesNotExist`, ...) so callers written against the real
 * service handle them the same way; definition errors say what to change.
 */

abstract class LocalStepFunctionsError extends Error {
  abstract override readonly name: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** An execution with this name already exists (closed, or open with a different input). */
export class ExecutionAlreadyExistsError extends LocalStepFunctionsError {
  override readonly name = 'ExecutionAlreadyExists';
}

export class ExecutionDoesNotExistError extends LocalStepFunctionsError {
  override readonly name = 'ExecutionDoesNotExist';
}

export class StateMachineDoesNotExistError extends LocalStepFunctionsError {
  override readonly name = 'StateMachineDoesNotExist';
}

export class StateMachineAlreadyExistsError extends LocalStepFunctionsError {
  override readonly name = 'StateMachineAlreadyExists';
}

export class InvalidNameError extends LocalStepFunctionsError {
  override readonly name = 'InvalidName';
}

export class InvalidExecutionInputError extends LocalStepFunctionsError {
  override readonly name = 'InvalidExecutionInput';
}

export class InvalidDefinitionError extends LocalStepFunctionsError {
  override readonly name = 'InvalidDefinition';
}

/** The local engine ignores JSONata silently, so a JSONata state would run with wrong semantics. */
export class JsonataNotSupportedError extends LocalStepFunctionsError {
  override readonly name = 'JsonataNotSupported';
}

/** A Task's Resource has no local implementation. */
export class TaskHandlerNotFoundError extends LocalStepFunctionsError {
  override readonly name = 'TaskHandlerNotFound';
}

/** An integration pattern (`.sync`) or service the local runtime does not emulate. */
export class UnsupportedIntegrationError extends LocalStepFunctionsError {
  override readonly name = 'UnsupportedIntegration';
}

export class TaskDoesNotExistError extends LocalStepFunctionsError {
  override readonly name = 'TaskDoesNotExist';
}

export class InvalidTokenError extends LocalStepFunctionsError {
  override readonly name = 'InvalidToken';
}

/**
 * An error raised inside a state, named as Step Functions names it (`States.Timeout`,
 * `DynamoDB.ConditionalCheckFailedException`, ...) so Retry and Catch match on `name`.
 */
export class StatesTaskError extends Error {
  override readonly name: string;
  constructor(name: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = name;
  }
}
