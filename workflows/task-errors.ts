/**
 * Error names a workflow's Lambda task is retried on, shared by the state machines. Each workflow
 * adds the names its own handlers throw (e.g. a contended transaction, a queue send that kept failing).
 */

/** A dependency failed in a way worth trying again: a timeout, a dropped connection, a 5xx, DynamoDB throttling. */
export const TRANSIENT_DEPENDENCY_ERRORS = [
  'TransientDependencyError',
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
] as const;

/** Lambda's own service errors on an invoke (retryOnServiceExceptions is off where these are listed). */
export const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
] as const;
