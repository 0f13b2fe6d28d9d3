import { describe, expect, it } from 'vitest';
import { buildEntriesReport, type JourneyMember, type UserJourneyRecords } from '../../../shared/domain/journeys';

const at = '2026-03-01T12:00:00.000Z';

describe('buildEntriesReport', () => {
  it('counts entries, sends, skips and failures by reason, branch sides and early exits per step, total and unique over re-entries', () => {
    // Prepare: u-1 entered twice (sent both times, left early the second), u-2 once (skipped: quiet hours),
    // u-3 once (its template could not be rendered: a permanent template-error)
    const members: JourneyMember[] = [
      { userId: 'u-1', tier: null, holdout: false, enrolledAt: at, entries: 2 },
      { userId: 'u-2', tier: null, holdout: false, enrolledAt: at },
      { userId: 'u-3', tier: null, holdout: false, enrolledAt: at },
    ];
    const send = (entry: number | undefined, kind: 'sent' | 'skipped') => ({
      kind: 'send' as const,
      stepIndex: 0,
      templateId: 't',
      at,
      channels: { email: kind === 'sent' ? { kind } : { kind, reason: 'quiet-hours' } },
      ...(entry ? { entry } : {}),
    });
    const records = new Map<string, UserJourneyRecords>([
      [
        'u-1',
        {
          steps: [send(undefined, 'sent'), send(2, 'sent'), { kind: 'branch', stepIndex: 1, at, condition: 'event-since-entry', side: 'then' }],
          exits: [{ reason: 'exit-event', at, stepIndex: 1, entry: 2 }],
        },
      ],
      ['u-2', { steps: [send(undefined, 'skipped'), { kind: 'branch', stepIndex: 1, at, condition: 'event-since-entry', side: 'else' }] }],
      ['u-3', { steps: [{ ...send(undefined, 'sent'), channels: { email: { kind: 'failed-permanent', reason: 'template-error' } } }] }],
    ]);

    // Act
    const report = buildEntriesReport(members, records, { cooldown: 3 });

    // Assess
    expect(report.entered).toEqual({ total: 4, unique: 3 });
    expect(report.refused).toEqual({ cooldown: 3 });
    expect(report.exitedEarly).toEqual({ 'exit-event': { total: 1, unique: 1 } });
    expect(report.steps).toEqual([
      {
        stepIndex: 0,
        kind: 'send',
        templateId: 't',
        reached: { total: 4, unique: 3 },
        sent: { total: 2, unique: 1 },
        skippedByReason: { 'quiet-hours': 1 },
        notSentByReason: { 'failed:template-error': 1 },
      },
      {
        stepIndex: 1,
        kind: 'branch',
        reached: { total: 2, unique: 2 },
        sent: { total: 0, unique: 0 },
        skippedByReason: {},
        notSentByReason: {},
        sides: { then: 1, else: 1 },
      },
    ]);
  });
});
