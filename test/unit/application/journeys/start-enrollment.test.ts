import { describe, expect, it } from 'vitest';
import { DEFAULT_JOURNEYS, journeyExecutionName, type JourneyStatus } from '../../../../shared/domain/journeys';
import { readingEachJourneyOnce, startEnrollment } from '../../../../shared/application/journeys/start-enrollment';
import { fakeJourneyPorts } from '../../../support/fakes/journey-ports';

const definition = DEFAULT_JOURNEYS.R3;
const AT = '2026-03-01T00:00:00.000Z';
const message = { journeyId: definition.id, userId: 'u-1', enrolledAt: AT };

function prepare(status: JourneyStatus) {
  const ports = fakeJourneyPorts();
  ports.journeys.journeys.set(definition.id, { journeyId: definition.id, definition, audience: {}, status, launchedAt: AT, updatedAt: AT });
  return ports;
}

describe('startEnrollment', () => {
  it('starts the execution under its deterministic name, with the plan and the enrollment time', async () => {
    // Prepare
    const ports = prepare('running');

    // Act
    const outcome = await startEnrollment(message, ports);

    // Assess
    expect(outcome).toBe('started');
    const input = JSON.parse(ports.starter.started.get(journeyExecutionName(definition.id, 'u-1'))!) as { enrolledAt: string; cursor: unknown };
    expect(input).toMatchObject({ enrolledAt: AT, cursor: { status: 'continue', stepIndex: 0 } });
  });

  it('answers a second delivery of the same enrollment as already enrolled', async () => {
    // Prepare
    const ports = prepare('paused');
    await startEnrollment(message, ports);

    // Act
    const outcome = await startEnrollment(message, ports);

    // Assess
    expect(outcome).toBe('already-enrolled');
    expect(ports.starter.started.size).toBe(1);
  });

  it.each(['stopped', 'completed'] as const)('starts nothing for a journey %s meanwhile', async (status) => {
    // Prepare
    const ports = prepare(status);

    // Act
    const outcome = await startEnrollment(message, ports);

    // Assess
    expect(outcome).toBe('journey-closed');
    expect(ports.starter.started.size).toBe(0);
  });

  it('reads each journey once per batch', async () => {
    // Prepare
    const ports = prepare('running');
    let reads = 0;
    const counting = { get: (journeyId: string) => ((reads += 1), ports.journeys.get(journeyId)) };
    const batch = { journeys: readingEachJourneyOnce(counting), starter: ports.starter };

    // Act
    await Promise.all(['u-1', 'u-2', 'u-3'].map((userId) => startEnrollment({ ...message, userId }, batch)));

    // Assess
    expect(reads).toBe(1);
    expect(ports.starter.started.size).toBe(3);
  });
});
