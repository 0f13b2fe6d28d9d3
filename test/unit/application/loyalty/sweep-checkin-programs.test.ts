import { describe, expect, it } from 'vitest';
import { enrollInCheckin, sweepCheckinPrograms } from '../../../../shared/application/loyalty';
import { fakeLoyaltyPorts } from '../../../support/fakes/loyalty-ports';

describe('the check-in sweep', () => {
  it('reminds once on a day without a check-in, then ends the program with a summary after the miss', async () => {
    // Prepare: enrolled on 2025-03-01 in Shanghai, due at 20:05 local that day.
    const ports = fakeLoyaltyPorts({ at: '2025-03-01T01:00:00Z' });
    await enrollInCheckin(ports, { userId: 'u1', timeZone: 'Asia/Shanghai' });
    ports.programs.wakeUpsDue = [{ userId: 'u1', programId: 'checkin-21', wakeAt: '2025-03-01T12:00:00.000Z' }];
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
