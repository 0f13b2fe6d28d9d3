import { describe, expect, it } from 'vitest';
import { enrollInCheckin, summarizeCheckinRun, sweepCheckinPrograms, sweepWakeShard } from '../../../../shared/application/loyalty';
import { addSweepCounts } from '../../../../shared/domain/loyalty';
import { fakeLoyaltyPorts } from '../../../support/fakes/loyalty-ports';

describe('the check-in sweep', () => {
  it('reminds once on a day without a check-in, then ends the program with a summary after the miss', async () => {
    // Prepare: enrolled on 2025-03-01 in Shanghai, due at 20:05 local that day.
    const ports = fakeLoyaltyPorts({ at: '2025-03-01T01:00:00Z' });
    await enrollInCheckin(ports, { userId: 'u1', timeZone: 'Asia/Shanghai' });
    ports.programs.wakeUpsDue = [{ kind: 'program' as const, userId: 'u1', programId: 'checkin-21', wakeAt: '2025-03-01T12:00:00.000Z' }];
    ports.clock.set('2025-03-01T12:05:00Z');

    // Act
    const first = await sweepCheckinPrograms(ports, { limitPerShard: 10 });
    const again = await sweepCheckinPrograms(ports, { limitPerShard: 10 });
    ports.clock.set('2025-03-02T12:05:00Z');
    const nextDay = await sweepCheckinPrograms(ports, { limitPerShard: 10 });

    // Assess
    expect([first.reminders, again.reminders]).toEqual([1, 0]);
    expect(nextDay).toMatchObject({ ended: 1, reminders: 0 });
    expect(ports.messages.sent.map((message) => message.kind)).toEqual(['checkin-reminder', 'program-summary']);
    expect((await ports.programs.load('u1', 'checkin-21'))?.state.status).toEqual({ kind: 'ended-impossible', endedOn: '2025-03-02' });
  });
});

describe('one shard of a check-in run', () => {
  it('takes a shard larger than one invocation page by page on its cursor, and the run adds the pages up', async () => {
    // Prepare: three users enrolled in Shanghai, all due at 20:05 local.
    const ports = fakeLoyaltyPorts({ at: '2025-03-01T01:00:00Z' });
    for (const userId of ['u1', 'u2', 'u3']) await enrollInCheckin(ports, { userId, timeZone: 'Asia/Shanghai' });
    ports.programs.wakeUpsDue = ['u1', 'u2', 'u3'].map((userId) => ({
      kind: 'program' as const,
      userId,
      programId: 'checkin-21',
      wakeAt: '2025-03-01T12:00:00.000Z',
    }));
    ports.clock.set('2025-03-01T12:05:00Z');
    const now = ports.clock.now();

    // Act
    const first = await sweepWakeShard(ports, { shard: 0, now, limit: 2 });
    const second = await sweepWakeShard(ports, { shard: 0, now, limit: 2, cursor: first.cursor });
    const summary = await summarizeCheckinRun(ports, {
      runId: 'run-1',
      now: now.toISOString(),
      shards: [{ shard: 0, invocations: 2, counts: addSweepCounts(first.counts, second.counts) }],
    });

    // Assess
    expect([first.counts.due, first.cursor !== undefined]).toEqual([2, true]);
    expect([second.counts.due, second.cursor]).toEqual([1, undefined]);
    expect(summary).toMatchObject({ runId: 'run-1', shards: 1, invocations: 2, totals: { due: 3, reminders: 3, rescheduled: 3 }, releasedCoupons: 0 });
    expect(ports.messages.sent.map((message) => message.userId)).toEqual(['u1', 'u2', 'u3']);
  });

  it('repeats no reminder when a page is swept again (a retried task)', async () => {
    // Prepare
    const ports = fakeLoyaltyPorts({ at: '2025-03-01T01:00:00Z' });
    await enrollInCheckin(ports, { userId: 'u1', timeZone: 'Asia/Shanghai' });
    ports.programs.wakeUpsDue = [{ kind: 'program' as const, userId: 'u1', programId: 'checkin-21', wakeAt: '2025-03-01T12:00:00.000Z' }];
    ports.clock.set('2025-03-01T12:05:00Z');
    const now = ports.clock.now();

    // Act
    const first = await sweepWakeShard(ports, { shard: 0, now, limit: 10 });
    const retried = await sweepWakeShard(ports, { shard: 0, now, limit: 10 });

    // Assess
    expect([first.counts.reminders, retried.counts.reminders]).toEqual([1, 0]);
    expect(ports.messages.sent).toHaveLength(1);
  });
});
