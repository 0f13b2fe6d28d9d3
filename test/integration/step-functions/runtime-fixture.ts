import { VirtualClock } from '../../../infra/local/virtual-clock';
import { LocalStepFunctions, type TaskHandler } from '../../../infra/local/step-functions';

export const DAY_MS = 86_400_000;
export const START = new Date('2030-03-01T08:00:00.000Z');

export function machineArn(name: string): string {
  return `arn:aws:states:us-east-1:000000000000:stateMachine:${name}`;
}

export function lambdaArn(name: string): string {
  return `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
}

/** A runtime on a clock set to {@link START}, with Lambda resources mapped by function name. */
export function createRuntime(functions: Record<string, TaskHandler> = {}) {
  const clock = new VirtualClock({ startAt: START });
  const stepFunctions = new LocalStepFunctions({
    clock,
    taskHandlers: (resource) =>
      functions[
        resource
          .replace(/\.waitForTaskToken$/, '')
          .split(':')
          .at(-1) ?? ''
      ],
  });
  const register = (name: string, definition: object) => {
    const arn = machineArn(name);
    stepFunctions.registerStateMachine({ arn, name, type: 'STANDARD', definition });
    return arn;
  };
  return { clock, stepFunctions, register };
}

/**
 * Lets the event loop turn (never a timed sleep) until `condition` holds: executions reach their
 * waits within a few turns.
 */
export async function settled(condition: () => boolean, maxTurns = 500): Promise<void> {
  for (let turn = 0; turn < maxTurns; turn += 1) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('condition not reached');
}
