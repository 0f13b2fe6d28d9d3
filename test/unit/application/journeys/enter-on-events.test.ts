import { describe, expect, it } from 'vitest';
import { enterOnEvents } from '../../../../shared/application/journeys/enter-on-events';
import { DEFAULT_LIFECYCLE_JOURNEYS, isInHoldout, type JourneyDefinition, type LifecycleEvent } from '../../../../shared/domain/journeys';
import { dailyActivity } from '../../../support/fakes/activity-reader';
import { fakeJourneyPorts } from '../../../support/fakes/journey-ports';

const now = new Date('2026-03-02T09:00:00.000Z');
const welcome = { ...DEFAULT_LIFECYCLE_JOURNEYS.welcome, holdoutShare: 0 };

function portsRunning(definition: JourneyDefinition) {
  const ports = fakeJourneyPorts(now);
  ports.journeys.journeys.set(definition.id, {
    journeyId: definition.id,
    definition,
    audience: {},
    status: 'running',
    launchedAt: now.toISOString(),
    updatedAt: now.toISOString(),
  });
  return ports;
}

const session = (userId: string, eventId: string, timestamp = '2026-03-02T08:30:00.000Z'): LifecycleEvent => ({ eventId, userId, type: 'session', timestamp });

describe('enterOnEvents', () => {
  it('enters a user at the first session only, once even when the event comes again', async () => {
    // Prepare
    const ports = portsRunning(welcome);

    // Act
    const first = await enterOnEvents([session('u-1', 'e-1')], ports);
    const again = await enterOnEvents([session('u-1', 'e-1'), session('u-1', 'e-2', '2026-03-02T08:45:00.000Z')], ports);

    // Assess: queued twice for entry 1 (the redelivery; the starter answers "already enrolled"), never for e-2.
    expect(first).toMatchObject({ entered: 1, notFirst: 0 });
    expect(again).toMatchObject({ entered: 1, notFirst: 1 });
    expect(ports.queue.messages).toEqual([
      { journeyId: welcome.id, userId: 'u-1', enrolledAt: '2026-03-02T08:30:00.000Z' },
      { journeyId: welcome.id, userId: 'u-1', enrolledAt: '2026-03-02T08:30:00.000Z' },
    ]);
  });

  it('does not take a session for a first one when the aggregates show one on an earlier day, nor an event older than a day', async () => {
    // Prepare
    const ports = portsRunning(welcome);
    ports.activity.days.push(dailyActivity({ userId: 'u-old', day: '2026-02-20', sessions: 2 }));

    // Act
    const result = await enterOnEvents([session('u-old', 'e-3'), session('u-late', 'e-4', '2026-02-28T08:00:00.000Z')], ports);

    // Assess
    expect(result).toMatchObject({ entered: 0, notFirst: 1 });
    expect(ports.queue.messages).toEqual([]);
  });

  it('decodes a batch only while a running journey enters on events', async () => {
    // Prepare: the welcome journey paused, then running.
    const ports = portsRunning(welcome);
    ports.journeys.journeys.get(welcome.id)!.status = 'paused';
    let decoded = 0;
    const batch = () => {
      decoded += 1;
      return [session('u-2', 'e-6')];
    };

    // Act
    const paused = await enterOnEvents(batch, ports);
    ports.journeys.journeys.get(welcome.id)!.status = 'running';
    const running = await enterOnEvents(batch, ports);

    // Assess
    expect(paused).toMatchObject({ entered: 0 });
    expect(running).toMatchObject({ entered: 1 });
    expect(decoded).toBe(1);
  });

  it('records a holdout entry and queues nothing for it', async () => {
    // Prepare
    const ports = portsRunning({ ...welcome, holdoutShare: 0.5 });
    const userId = Array.from({ length: 50 }, (_, i) => `u-${i}`).find((candidate) => isInHoldout(welcome.id, candidate, 0.5))!;

    // Act
    const result = await enterOnEvents([session(userId, 'e-5')], ports);

    // Assess
    expect(result).toMatchObject({ entered: 0, holdout: 1 });
    expect(ports.queue.messages).toEqual([]);
    expect(ports.journeys.members.get(welcome.id)?.get(userId)).toMatchObject({ holdout: true });
  });

  it('refuses a re-entry while the user is still in the journey, counting it, and lets them in as entry 2 after the cooldown', async () => {
    // Prepare: every purchase enters, again 3 days after leaving.
    const definition: JourneyDefinition = {
      ...welcome,
      id: 'lc-purchases',
      entry: { kind: 'event', event: { type: 'purchase', minAmount: 10 }, first: false, delayDays: 0 },
      reentry: { kind: 'after-cooldown', days: 3 },
    };
    const ports = portsRunning(definition);
    const purchase = (eventId: string, timestamp: string, amount = 20): LifecycleEvent => ({ eventId, userId: 'u-9', type: 'purchase', timestamp, amount });

    // Act
    await enterOnEvents(
      [purchase('p-1', '2026-03-02T08:00:00.000Z'), purchase('p-2', '2026-03-02T08:10:00.000Z'), purchase('p-small', '2026-03-02T08:20:00.000Z', 5)],
      ports,
    );
    await ports.enrollments.recordLeft(definition.id, 'u-9', 1, new Date('2026-03-02T08:30:00.000Z'));
    ports.clock.set('2026-03-06T09:00:00.000Z');
    const later = await enterOnEvents([purchase('p-3', '2026-03-06T08:00:00.000Z')], ports);

    // Assess
    expect(ports.enrollments.refused).toEqual([{ journeyId: definition.id, userId: 'u-9', reason: 'still-in-journey' }]);
    expect(later.entered).toBe(1);
    expect(ports.queue.messages.map((message) => message.entry ?? 1)).toEqual([1, 2]);
  });
});
