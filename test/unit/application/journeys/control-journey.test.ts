import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../../../shared/domain/common';
import { DEFAULT_JOURNEYS, IllegalJourneyTransition, journeyExecutionName, type JourneyStatus } from '../../../../shared/domain/journeys';
import { controlJourney } from '../../../../shared/application/journeys/control-journey';
import { fakeJourneyPorts } from '../../../support/fakes/journey-ports';

const definition = DEFAULT_JOURNEYS.R3;
const AT = '2026-03-01T00:00:00.000Z';

function prepare(status: JourneyStatus) {
  const ports = fakeJourneyPorts();
  ports.journeys.journeys.set(definition.id, { journeyId: definition.id, definition, audience: {}, status, launchedAt: AT, updatedAt: AT });
  return ports;
}

describe('controlJourney', () => {
  it.each([
    ['pause', 'running', 'paused'],
    ['resume', 'paused', 'running'],
    ['stop', 'running', 'stopped'],
    ['stop', 'paused', 'stopped'],
  ] as const)('%s moves a %s journey to %s', async (command, from, to) => {
    // Prepare
    const ports = prepare(from);

    // Act
    const result = await controlJourney(definition.id, command, ports);

    // Assess
    expect(result.journey.status).toBe(to);
    expect((await ports.journeys.get(definition.id))?.status).toBe(to);
  });

  it.each([
    ['resume', 'stopped'],
    ['pause', 'paused'],
    ['resume', 'running'],
  ] as const)('refuses to %s a %s journey as a conflict, changing nothing', async (command, from) => {
    // Prepare
    const ports = prepare(from);

    // Act
    const act = controlJourney(definition.id, command, ports);

    // Assess
    await expect(act).rejects.toThrowError(IllegalJourneyTransition);
    await expect(act).rejects.toBeInstanceOf(ConflictError);
    expect((await ports.journeys.get(definition.id))?.status).toBe(from);
  });

  it('stops the open execution of every treated member, and none for the holdout', async () => {
    // Prepare
    const ports = prepare('running');
    const members = [
      { userId: 'u-1', tier: 'R3' as const, holdout: false, enrolledAt: AT },
      { userId: 'u-2', tier: 'R3' as const, holdout: true, enrolledAt: AT },
      { userId: 'u-3', tier: 'R3' as const, holdout: false, enrolledAt: AT },
    ];
    await ports.enrollments.enrollOnce(definition.id, members);
    for (const { userId } of [members[0]!, members[2]!]) await ports.starter.start(journeyExecutionName(definition.id, userId), '{}');

    // Act
    const result = await controlJourney(definition.id, 'stop', ports);

    // Assess
    expect(result.executionsStopped).toBe(2);
    expect(ports.starter.stopped.sort()).toEqual([journeyExecutionName(definition.id, 'u-1'), journeyExecutionName(definition.id, 'u-3')].sort());
  });

  it('judges the command again on the status another marketer set meanwhile', async () => {
    // Prepare
    const ports = prepare('running');
    ports.journeys.concurrentChanges.push('stopped');

    // Act
    const act = controlJourney(definition.id, 'pause', ports);

    // Assess
    await expect(act).rejects.toThrowError(IllegalJourneyTransition);
    expect((await ports.journeys.get(definition.id))?.status).toBe('stopped');
  });

  it('answers an unknown journey as not found', async () => {
    // Prepare
    const ports = fakeJourneyPorts();

    // Act
    const act = controlJourney('no-such-journey', 'pause', ports);

    // Assess
    await expect(act).rejects.toBeInstanceOf(NotFoundError);
  });
});
