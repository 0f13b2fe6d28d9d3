import { describe, expect, it } from 'vitest';
import { CheckinProgramConfig } from '../../../shared/domain/loyalty/checkin-program';
import { InMemoryCheckinProgramStore, enrollUser, performCheckIn } from '../../../shared/domain/loyalty/checkin-service';
import { InMemoryLedgerStore } from '../../../shared/domain/loyalty/in-memory-ledger-store';
import { InMemoryCouponStore, InMemoryDrawEntryStore } from '../../../shared/domain/loyalty/rewards';

const config = CheckinProgramConfig.parse({});
const enrolledAt = new Date('2025-03-01T01:00:00Z'); // 09:00 in Shanghai

function freshPorts() {
  return {
    programs: new InMemoryCheckinProgramStore(),
    ledger: new InMemoryLedgerStore(),
    coupons: new InMemoryCouponStore(),
    drawEntries: new InMemoryDrawEntryStore(),
  };
}

describe('check-in service', () => {
  it('enrols a user once', async () => {
    // Prepare
    const ports = freshPorts();
    const input = { userId: 'u1', timeZone: 'Asia/Shanghai', at: enrolledAt };

    // Act
    const first = await enrollUser(ports.programs, input, config);
    const second = await enrollUser(ports.programs, { ...input, at: new Date('2025-03-02T01:00:00Z') }, config);

    // Assess
    expect(first.kind).toBe('enrolled');
    expect(second).toMatchObject({ kind: 'already-enrolled', state: { startDay: '2025-03-01' } });
  });

  it('grants 10 points once and records one check-in for 100 concurrent identical requests', async () => {
    // Prepare
    const ports = freshPorts();
    await enrollUser(ports.programs, { userId: 'u1', timeZone: 'Asia/Shanghai', at: enrolledAt }, config);

    // Act
    const results = await Promise.all(Array.from({ length: 100 }, () => performCheckIn(ports, { userId: 'u1', at: enrolledAt }, config)));

    // Assess
    const appended = results.flatMap((result) => result.grantOutcomes).filter((grant) => grant.kind === 'points' && grant.outcome.kind === 'appended');
    expect(appended).toHaveLength(1);
    expect(results.filter((result) => result.outcome.kind === 'already-checked-in-today')).toHaveLength(99);
    expect(await ports.ledger.balance('u1', 'points')).toEqual({ amount: 10, version: 1 });
    expect((await ports.programs.load('u1', config.programId))?.state.checkedInDays).toEqual(['2025-03-01']);
  });

  it('records the end of the program when a check-in finds a missed day', async () => {
    // Prepare: check in on day 1, skip day 2, come back on day 3.
    const ports = freshPorts();
    await enrollUser(ports.programs, { userId: 'u1', timeZone: 'Asia/Shanghai', at: enrolledAt }, config);
    await performCheckIn(ports, { userId: 'u1', at: enrolledAt }, config);

    // Act
    const result = await performCheckIn(ports, { userId: 'u1', at: new Date('2025-03-03T01:00:00Z') }, config);

    // Assess
    expect(result.outcome).toMatchObject({ kind: 'program-ended', summary: { pointsEarned: 10, outcome: 'completion-impossible' } });
    expect((await ports.programs.load('u1', config.programId))?.state.status).toEqual({ kind: 'ended-impossible', endedOn: '2025-03-03' });
  });

  it('answers not-enrolled for an unknown user', async () => {
    // Prepare
    const ports = freshPorts();

    // Act
    const result = await performCheckIn(ports, { userId: 'ghost', at: enrolledAt }, config);

    // Assess
    expect(result).toEqual({ outcome: { kind: 'not-enrolled' }, grantOutcomes: [] });
  });
});
