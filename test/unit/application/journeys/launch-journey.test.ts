import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../../shared/domain/common';
import { DEFAULT_JOURNEY_INPUTS, isInHoldout, JourneyAlreadyExists, JourneyDefinitionInvalid, type LaunchRequest } from '../../../../shared/domain/journeys';
import { launchJourney } from '../../../../shared/application/journeys/launch-journey';
import { fakeJourneyPorts } from '../../../support/fakes/journey-ports';
import { scoredUser } from '../../journeys/fixtures';

const JOURNEY_ID = 'spring-r3';

/** The shipped R3 journey under its own id, with a large holdout so both groups are well filled. */
function launchRequest(overrides: Partial<LaunchRequest> = {}): LaunchRequest {
  return { definition: { ...DEFAULT_JOURNEY_INPUTS.R3, id: JOURNEY_ID, holdoutShare: 0.5 }, audience: {}, ...overrides };
}

function portsWithUsers(count: number) {
  const ports = fakeJourneyPorts();
  ports.scores.users.push(...Array.from({ length: count }, (_, i) => scoredUser({ userId: `u-${String(i).padStart(3, '0')}` })));
  return ports;
}

describe('launchJourney', () => {
  it('records the holdout as members and never queues one of them for a start', async () => {
    // Prepare
    const ports = portsWithUsers(60);

    // Act
    const result = await launchJourney(launchRequest(), ports);

    // Assess
    const members = await ports.journeys.listMembers(JOURNEY_ID);
    const holdout = members.filter((member) => member.holdout).map((member) => member.userId);
    expect(holdout.length).toBeGreaterThan(0);
    expect(holdout.every((userId) => isInHoldout(JOURNEY_ID, userId, 0.5))).toBe(true);
    const queued = ports.queue.messages.map((message) => message.userId);
    expect(queued.filter((userId) => holdout.includes(userId))).toEqual([]);
    expect(queued).toHaveLength(members.length - holdout.length);
    expect(result).toMatchObject({ relaunch: false, matched: 60, enrolled: 60, holdout: holdout.length, queued: 60 - holdout.length, alreadyEnrolled: 0 });
  });

  it('answers a second launch of the same journey by queuing the recorded members again, enrolling nobody twice', async () => {
    // Prepare
    const ports = portsWithUsers(20);
    const first = await launchJourney(launchRequest(), ports);
    const firstQueue = [...ports.queue.messages];
    ports.clock.advance(3_600_000);
    ports.scores.users.push(scoredUser({ userId: 'u-late' }));

    // Act
    const again = await launchJourney(launchRequest(), ports);

    // Assess
    expect(again).toMatchObject({ relaunch: true, enrolled: 0, alreadyEnrolled: 20, holdout: 0, queued: first.queued, matched: first.matched });
    expect(ports.enrollments.enrollCalls).toHaveLength(20);
    expect(await ports.journeys.listMembers(JOURNEY_ID)).toHaveLength(20);
    expect(ports.queue.messages.slice(firstQueue.length)).toEqual(firstQueue);
  });

  it('keeps a member enrolled meanwhile with their first enrollment and counts them apart', async () => {
    // Prepare
    const ports = portsWithUsers(5);
    const earlier = { userId: 'u-000', tier: 'R3' as const, holdout: false, enrolledAt: '2026-03-01T00:00:00.000Z' };
    await ports.enrollments.enrollOnce(JOURNEY_ID, [earlier]);

    // Act
    const result = await launchJourney(launchRequest(), ports);

    // Assess
    expect(result).toMatchObject({ enrolled: 4, alreadyEnrolled: 1 });
    expect(ports.queue.messages.map((message) => message.userId)).not.toContain('u-000');
    expect((await ports.journeys.listMembers(JOURNEY_ID)).find((member) => member.userId === 'u-000')).toEqual(earlier);
  });

  it('refuses to launch an id that runs another definition', async () => {
    // Prepare
    const ports = portsWithUsers(3);
    await launchJourney(launchRequest(), ports);

    // Act
    const act = launchJourney(launchRequest({ definition: { ...DEFAULT_JOURNEY_INPUTS.R3, id: JOURNEY_ID, holdoutShare: 0.2 } }), ports);

    // Assess
    await expect(act).rejects.toThrowError(JourneyAlreadyExists);
  });

  it('names each bad field of the definition under definition., as the request spells it, and writes nothing', async () => {
    // Prepare
    const ports = portsWithUsers(3);

    // Act
    const act = launchJourney(launchRequest({ definition: { ...DEFAULT_JOURNEY_INPUTS.R3, id: JOURNEY_ID, maxDurationDays: -1 } }), ports);

    // Assess
    const error: unknown = await act.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(JourneyDefinitionInvalid);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(new Set((error as JourneyDefinitionInvalid).problems.map((problem) => problem.path))).toEqual(new Set(['definition.maxDurationDays']));
    expect(ports.journeys.journeys.size).toBe(0);
  });
});
