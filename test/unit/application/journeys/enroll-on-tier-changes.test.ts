import { describe, expect, it } from 'vitest';
import { DEFAULT_JOURNEYS, isInHoldout, type JourneyDefinition } from '../../../../shared/domain/journeys';
import { enrollOnTierChanges, type DeliveredTierChange } from '../../../../shared/application/journeys/enroll-on-tier-change';
import { fakeJourneyPorts } from '../../../support/fakes/journey-ports';

const AT = '2026-03-01T18:00:00.000Z';
const r2: JourneyDefinition = { ...DEFAULT_JOURNEYS.R2, automatic: true };
const r4: JourneyDefinition = { ...DEFAULT_JOURNEYS.R4, automatic: true };

function prepare(definitions: JourneyDefinition[] = [r2, r4]) {
  const ports = fakeJourneyPorts();
  for (const definition of definitions) {
    ports.journeys.journeys.set(definition.id, { journeyId: definition.id, definition, audience: {}, status: 'running', launchedAt: AT, updatedAt: AT });
  }
  return ports;
}

const change = (userId: string, to: 'R2' | 'R4' | 'R5' | null, eventTime = AT): DeliveredTierChange => ({
  change: { userId, from: null, to, date: '2026-03-01' },
  eventTime,
});

/** Users of the journey outside its holdout (the holdout share is drawn by stable hash). */
const treatedOf = (journeyId: string, count: number) =>
  Array.from({ length: count * 3 }, (_, i) => `user-${i}`)
    .filter((userId) => !isInHoldout(journeyId, userId, 0.1))
    .slice(0, count);

describe('enrollOnTierChanges', () => {
  it('enrolls a batch in each new tier’s automatic journey with one group write per journey, and queues the treated ones', async () => {
    // Prepare
    const ports = prepare();
    const [a, b, c] = treatedOf(r2.id, 3) as [string, string, string];
    let writes = 0;
    const counting = {
      ...ports,
      enrollments: { enrollOnce: (...args: Parameters<typeof ports.enrollments.enrollOnce>) => ((writes += 1), ports.enrollments.enrollOnce(...args)) },
    };

    // Act
    const outcomes = await enrollOnTierChanges([change(a, 'R2'), change(b, 'R4'), change(c, 'R2'), change('left', null), change('no-journey', 'R5')], counting);

    // Assess
    expect(outcomes.map((outcome) => (outcome.kind === 'enrolled' ? outcome.enrollment.journeyId : outcome.kind))).toEqual([
      r2.id,
      r4.id,
      r2.id,
      'no-journey',
      'no-journey',
    ]);
    expect(writes).toBe(2);
    expect(ports.queue.messages.filter((message) => message.journeyId === r2.id).map((message) => message.userId)).toEqual([a, c]);
    expect(ports.queue.messages.every((message) => message.enrolledAt === AT)).toBe(true);
  });

  it('enrolls a redelivered event once: the same enrollment, queued again for a starter that answers already enrolled', async () => {
    // Prepare
    const ports = prepare();
    const [user] = treatedOf(r2.id, 1) as [string];
    await enrollOnTierChanges([change(user, 'R2')], ports);

    // Act
    const [again] = await enrollOnTierChanges([change(user, 'R2')], ports);
    const [later] = await enrollOnTierChanges([change(user, 'R2', '2026-03-05T18:00:00.000Z')], ports);

    // Assess
    expect(again).toEqual({ kind: 'enrolled', enrollment: { journeyId: r2.id, holdout: false, alreadyEnrolled: false, enrolledAt: AT } });
    expect(later).toEqual({ kind: 'enrolled', enrollment: { journeyId: r2.id, holdout: false, alreadyEnrolled: true, enrolledAt: AT } });
    expect(ports.journeys.members.get(r2.id)?.size).toBe(1);
    expect(ports.queue.messages.map((message) => message.enrolledAt)).toEqual([AT, AT]);
  });

  it('records the holdout and never queues it', async () => {
    // Prepare
    const ports = prepare();
    const held = Array.from({ length: 200 }, (_, i) => `user-${i}`).filter((userId) => isInHoldout(r2.id, userId, 0.1));

    // Act
    const outcomes = await enrollOnTierChanges(
      held.map((userId) => change(userId, 'R2')),
      ports,
    );

    // Assess
    expect(held.length).toBeGreaterThan(0);
    expect(outcomes.every((outcome) => outcome.kind === 'enrolled' && outcome.enrollment.holdout)).toBe(true);
    expect(ports.queue.messages).toEqual([]);
  });

  it('answers failed for the events of a journey whose group write failed, and enrolls the others', async () => {
    // Prepare
    const ports = prepare();
    const [a, b] = treatedOf(r2.id, 2) as [string, string];
    const failing = {
      ...ports,
      enrollments: {
        enrollOnce: (...args: Parameters<typeof ports.enrollments.enrollOnce>) =>
          args[0] === r4.id ? Promise.reject(new Error('throttled')) : ports.enrollments.enrollOnce(...args),
      },
    };

    // Act
    const outcomes = await enrollOnTierChanges([change(a, 'R2'), change(b, 'R4')], failing);

    // Assess
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['enrolled', 'failed']);
    expect(ports.queue.messages.map((message) => message.userId)).toEqual([a]);
  });

  it('enrolls nobody when no automatic journey runs', async () => {
    // Prepare
    const ports = prepare([{ ...DEFAULT_JOURNEYS.R2, automatic: false }]);

    // Act
    const outcomes = await enrollOnTierChanges([change('u-1', 'R2')], ports);

    // Assess
    expect(outcomes).toEqual([{ kind: 'no-journey' }]);
    expect(ports.queue.messages).toEqual([]);
  });
});
