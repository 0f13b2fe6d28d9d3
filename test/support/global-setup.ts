import type { TestProject } from 'vitest/node';
import { DynamoDbLocal } from '../../infra/local/dynamodb-local';
import { freePort, requireJava } from '../../infra/local/preflight';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The port of the run's shared in-memory DynamoDB Local; null when it could not start (each runtime then starts its own). */
    sharedDynamoDbPort: number | null;
  }
}

/**
 * One DynamoDB Local JVM for the whole run. Booting a JVM (and warming its JIT) was the largest
 * single cost of an integration file; every test runtime now attaches to this one under its own
 * access key, which DynamoDB Local (without -sharedDb) keeps as a database of its own.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let shared: DynamoDbLocal | null = null;
  try {
    requireJava();
    shared = await DynamoDbLocal.startShared(await freePort());
  } catch {
    shared = null; // a runtime that needs DynamoDB starts its own, and says what is missing
  }
  project.provide('sharedDynamoDbPort', shared?.port ?? null);
  return async () => {
    await shared?.stop();
  };
}
