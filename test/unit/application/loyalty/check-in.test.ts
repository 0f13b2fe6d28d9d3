import { describe, expect, it } from 'vitest';
import { checkInNow, enrollInCheckin } from '../../../../shared/application/loyalty';
import { NotFoundError, UnavailableError } from '../../../../shared/domain/common';
import { CheckinStateContentionError, DEFAULT_PROGRAM_ID } from '../../../../shared/domain/loyalty';
import { defaultLoyaltyRules, fakeLoyaltyPorts } from '../../../support/fakes/loyalty-ports';

const enrolledAt = '2025-03-01T01:00:00Z'; // 09:00 in Shanghai

function freshPorts() {
  return fakeLoyaltyPorts({ at: enrolledAt });
}

async function enrolled(ports: ReturnType<typeof freshPorts>, userId = 'u1') {
  await enrollInCheckin(ports, { userId, timeZone: 'Asia/Shanghai' });
}

describe('check-in service', () => {
  it('enrols a user once', async () => {
    // Prepare
    const ports = freshPorts();
    const input = { userId: 'u1', timeZone: 'Asia/Shanghai' };

    // Act
    const first = await enrollInCheckin(ports, input);
    ports.clock.set('2025-03-02T01:00:00Z');
    const second = await enrollInCheckin(ports, input);

    // Assess
    expect(first.kind).toBe('enrolled');
    expect(second).toMatchObject({ kind: 'already-enrolled', state: { startDay: '2025-03-01' } });
  });

  it('grants 10 points once and records one check-in for 100 concurrent identical requests', async () => {
    // Prepare
    const ports = freshPorts();
    await enrolled(ports);

    // Act
    const results = await Promise.all(Array.from({ length: 100 }, () => checkInNow(ports, { userId: 'u1' })));

    // Assess
    const appended = results.flatMap((result) => result.grantOutcomes).filter((grant) => grant.kind === 'points' && grant.outcome.kind === 'appended');
    expect(appended).toHaveLength(1);
    expect(results.filter((result) => result.outcome.kind === 'already-checked-in-today')).toHaveLength(99);
    expect(await ports.ledger.balance('u1', 'points')).toEqual({ amount: 10, version: 1 });
    expect((await ports.programs.load('u1', DEFAULT_PROGRAM_ID))?.state.checkedInDays).toEqual(['2025-03-01']);
  });

  it('records the end of the program when a check-in finds a missed day', async () => {
    // Prepare: check in on day 1, skip day 2, come back on day 3.
    const ports = freshPorts();
    await enrolled(ports);
    await checkInNow(ports, { userId: 'u1' });
    ports.clock.set('2025-03-03T01:00:00Z');

    // Act
    const result = await checkInNow(ports, { userId: 'u1' });

    // Assess
    expect(result.outcome).toMatchObject({ kind: 'program-ended', summary: { pointsEarned: 10, outcome: 'completion-impossible' } });
    expect((await ports.programs.load('u1', DEFAULT_PROGRAM_ID))?.state.status).toEqual({
      kind: 'ended-impossible',
      endedOn: '2025-03-03',
    });
    expect(ports.messages.sent.map((message) => message.kind)).toEqual(['program-summary']);
  });

  it('answers not-enrolled for an unknown user', async () => {
    // Prepare
    const ports = freshPorts();

    // Act
    const result = await checkInNow(ports, { userId: 'ghost' });

    // Assess
    expect(result).toEqual({ outcome: { kind: 'not-enrolled' }, grantOutcomes: [] });
  });

  it('refuses a program other than the check-in program as not found', async () => {
    // Prepare
    const ports = freshPorts();
    await enrolled(ports);

    // Act
    const checkingIn = checkInNow(ports, { userId: 'u1', programId: 'checkin-99' });

    // Assess
    await expect(checkingIn).rejects.toBeInstanceOf(NotFoundError);
  });

  it('grants once when the state save loses a race and the request is retried', async () => {
    // Prepare: the first save conflicts (a concurrent writer), so the grants are written twice.
    const ports = freshPorts();
    await enrolled(ports);
    ports.programs.conflictNextSaves = 1;

    // Act
    const result = await checkInNow(ports, { userId: 'u1' });
    const again = await checkInNow(ports, { userId: 'u1' });

    // Assess: the retry found its grant already written; the balance counts it once.
    expect(result.outcome.kind).toBe('checked-in');
    expect(result.grantOutcomes).toEqual([expect.objectContaining({ kind: 'points', outcome: expect.objectContaining({ kind: 'already-granted' }) })]);
    expect(again.outcome.kind).toBe('already-checked-in-today');
    expect(await ports.ledger.balance('u1', 'points')).toEqual({ amount: 10, version: 1 });
    expect(await ports.ledger.history('u1')).toHaveLength(1);
  });

  it('surfaces a state that keeps changing as a retryable UnavailableError named CheckinStateContentionError', async () => {
    // Prepare
    const ports = freshPorts();
    await enrolled(ports);
    ports.programs.conflictNextSaves = 1_000;

    // Act
    const failure = await checkInNow(ports, { userId: 'u1' }).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(UnavailableError);
    expect(failure).toBeInstanceOf(CheckinStateContentionError);
    expect(failure).toMatchObject({ name: 'CheckinStateContentionError', code: 'unavailable', kind: 'unavailable', retryAfterSeconds: 1 });
    expect(await ports.ledger.balance('u1', 'points')).toEqual({ amount: 10, version: 1 });
  });

  it('issues the completion coupon and tells the user even when the month’s budget is spent', async () => {
    // Prepare: a one-day program and no budget at all; the coupon is percent-off, which costs the budget nothing.
    const rules = defaultLoyaltyRules(0);
    const ports = fakeLoyaltyPorts({ at: enrolledAt, rules: { ...rules, programs: [{ ...rules.programs[0]!, requiredCheckins: 1, windowDays: 1 }] } });
    await enrolled(ports);

    // Act
    const result = await checkInNow(ports, { userId: 'u1' });

    // Assess
    expect(result.grantOutcomes).toContainEqual({ kind: 'coupon', couponId: expect.any(String), outcome: 'issued' });
    expect(await ports.coupons.couponsOf('u1')).toEqual([
      expect.objectContaining({ reason: 'checkin-completion', discount: { kind: 'percent-off', percent: 20 } }),
    ]);
    expect(await ports.budget.queued('2025-04')).toEqual([]);
    expect(ports.messages.sent.map((message) => message.kind)).toEqual(['coupon-issued', 'program-summary']);
  });
});
