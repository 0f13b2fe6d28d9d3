import { describe, expect, it } from 'vitest';
import { buildExecutionInput, compileJourneyPlan, DEFAULT_JOURNEYS, JourneyStepRetryable, type JourneyStatus } from '../../../../shared/domain/journeys';
import { UnavailableError } from '../../../../shared/domain/common';
import { checkExitAndSend, type CheckExitAndSendInput } from '../../../../shared/application/journeys/check-exit-and-send';
import { dailyActivity } from '../../../support/fakes/activity-reader';
import { fakeJourneyPorts } from '../../../support/fakes/journey-ports';

const USER = 'u-1';
const ENROLLED_AT = '2026-03-02T08:00:00.000Z';
const definition = DEFAULT_JOURNEYS.R1;

/** A running R1 journey, the user enrolled an hour before the clock, its first step (push) due. */
function prepare(status: JourneyStatus = 'running') {
  const ports = fakeJourneyPorts(new Date('2026-03-02T09:00:00.000Z'));
  ports.journeys.journeys.set(definition.id, { journeyId: definition.id, definition, audience: {}, status, launchedAt: ENROLLED_AT, updatedAt: ENROLLED_AT });
  const input: CheckExitAndSendInput = { ...buildExecutionInput(compileJourneyPlan(definition), USER, new Date(ENROLLED_AT)), executionName: 'recall-r1-u-1' };
  return { ports, input, records: () => ports.enrollments.of(definition.id, USER) };
}

describe('checkExitAndSend', () => {
  it('exits a user who came back after enrolling, and sends nothing', async () => {
    // Prepare
    const { ports, input, records } = prepare();
    ports.activity.days.push(dailyActivity({ userId: USER, day: '2026-03-02', sessions: 1, eventCount: 1, lastEventAt: '2026-03-02T08:30:00.000Z' }));

    // Act
    const cursor = await checkExitAndSend(input, ports);

    // Assess
    expect(cursor).toEqual({ status: 'exited', reason: 'came-back' });
    expect(records().exit).toMatchObject({ reason: 'came-back', stepIndex: 0 });
    expect(ports.sender.sends).toEqual([]);
  });

  it('does not count a session from before the enrollment as coming back', async () => {
    // Prepare
    const { ports, input } = prepare();
    ports.activity.days.push(dailyActivity({ userId: USER, day: '2026-03-02', sessions: 1, eventCount: 1, lastEventAt: '2026-03-02T07:59:00.000Z' }));

    // Act
    const cursor = await checkExitAndSend(input, ports);

    // Assess
    expect(cursor).toMatchObject({ status: 'continue', stepIndex: 1 });
    expect(ports.sender.sends).toHaveLength(1);
  });

  it.each([
    ['the journey is paused', 'paused' as const, false],
    ['the kill switch is on', 'running' as const, true],
  ])('holds the step while %s: nothing is sent or recorded, the same step is re-checked later', async (_case, status, killSwitch) => {
    // Prepare
    const { ports, input, records } = prepare(status);
    ports.killSwitch.active = killSwitch;

    // Act
    const cursor = await checkExitAndSend(input, ports);

    // Assess
    expect(cursor).toMatchObject({ status: 'continue', stepIndex: 0, holds: 1 });
    expect(ports.sender.sends).toEqual([]);
    expect(records()).toEqual({ steps: [] });
  });

  it('records a sent step and moves to the next one', async () => {
    // Prepare
    const { ports, input, records } = prepare();

    // Act
    const cursor = await checkExitAndSend(input, ports);

    // Assess
    expect(cursor).toMatchObject({ status: 'continue', stepIndex: 1 });
    expect(ports.sender.sends[0]).toMatchObject({ userId: USER, journeyId: definition.id, executionName: 'recall-r1-u-1' });
    expect(records().steps).toEqual([expect.objectContaining({ kind: 'send', stepIndex: 0, channels: { push: expect.objectContaining({ kind: 'sent' }) } })]);
  });

  it('records a send its retry meets again (skipped as duplicate) as sent', async () => {
    // Prepare
    const { ports, input, records } = prepare();
    ports.sender.outcomes.set('push', { kind: 'skipped', messageId: 'm-1', reason: 'duplicate', detail: 'sent before' });

    // Act
    const cursor = await checkExitAndSend(input, ports);

    // Assess
    expect(cursor).toMatchObject({ status: 'continue', stepIndex: 1 });
    expect(records().steps[0]).toMatchObject({ channels: { push: { kind: 'sent', reason: 'duplicate', messageId: 'm-1' } } });
  });

  it('records a skip with its reason and moves on', async () => {
    // Prepare
    const { ports, input, records } = prepare();
    ports.sender.outcomes.set('push', { kind: 'skipped', messageId: 'm-2', reason: 'no-consent', detail: 'no push consent' });

    // Act
    const cursor = await checkExitAndSend(input, ports);

    // Assess
    expect(cursor).toMatchObject({ status: 'continue', stepIndex: 1 });
    expect(records().steps[0]).toMatchObject({ channels: { push: { kind: 'skipped', reason: 'no-consent', messageId: 'm-2' } } });
  });

  it('records a retryable failure and throws JourneyStepRetryable for the Retry', async () => {
    // Prepare
    const { ports, input, records } = prepare();
    ports.sender.outcomes.set('push', { kind: 'failed-retryable', messageId: 'm-1', code: 'throttled', detail: 'slow down', retryAfterMs: 1000 });

    // Act
    const act = checkExitAndSend(input, ports);

    // Assess
    await expect(act).rejects.toThrowError(JourneyStepRetryable);
    await expect(act).rejects.toBeInstanceOf(UnavailableError);
    expect(records().steps[0]).toMatchObject({ channels: { push: { kind: 'failed-retryable', reason: 'throttled' } } });
  });

  it('records a permanent failure and moves on', async () => {
    // Prepare
    const { ports, input, records } = prepare();
    ports.sender.outcomes.set('push', { kind: 'failed-permanent', messageId: 'm-1', code: 'provider-rejected', detail: 'bad token' });

    // Act
    const cursor = await checkExitAndSend(input, ports);

    // Assess
    expect(cursor).toMatchObject({ status: 'continue', stepIndex: 1 });
    expect(records().steps[0]).toMatchObject({ channels: { push: { kind: 'failed-permanent', reason: 'provider-rejected' } } });
  });

  it('comes back to a step deferred by quiet hours when they end', async () => {
    // Prepare
    const { ports, input, records } = prepare();
    ports.sender.outcomes.set('push', { kind: 'deferred', messageId: 'm-1', until: '2026-03-02T10:00:00.000Z', reason: 'quiet-hours' });

    // Act
    const cursor = await checkExitAndSend(input, ports);

    // Assess
    expect(cursor).toEqual({ status: 'continue', stepIndex: 0, waitSeconds: 3600, holds: 1 });
    expect(records().steps[0]).toMatchObject({ channels: { push: { kind: 'deferred', reason: 'quiet-hours' } } });
  });
});
