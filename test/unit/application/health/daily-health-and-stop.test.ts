import { describe, expect, it } from 'vitest';
import { addDays, fixedClock } from '../../../../shared/domain/common';
import {
  DEFAULT_HEALTH_THRESHOLDS,
  HealthTalliesNotReadyError,
  IncidentNotOpenError,
  type HealthSettings,
  type HealthUser,
} from '../../../../shared/domain/health';
import { computeDailyHealth } from '../../../../shared/application/health/compute-daily-health';
import { healthSegmentFolder } from '../../../../shared/application/health/fold-health-segment';
import { resumeIncident } from '../../../../shared/application/health/resume-incident';
import { InMemoryHealthStores, InMemoryKillSwitchStore } from '../../../support/fakes/health-stores';
import { userActiveAt } from '../../health/health-fixtures';

const settings: HealthSettings = {
  timeZone: 'Asia/Shanghai',
  coreFeatures: ['playlist'],
  benchmarks: { playlist: 0.1 },
  cohortWeeks: 8,
  thresholds: DEFAULT_HEALTH_THRESHOLDS,
};
const firstDay = '2026-11-01';
// DAU by day: 100, 100, then 94 (−6% yellow), 84 (−10.6% orange), 66 (−21.4% red), 55 (−16.7% orange), 46 (−16.4% orange: STOP, the 3rd day over 15%).
const dauByDay = [100, 100, 94, 84, 66, 55, 46];

/** Users u0..u99; on day i the first dauByDay[i] are active at noon Shanghai. */
function population(): HealthUser[] {
  return Array.from({ length: 100 }, (_, u) =>
    userActiveAt(
      `u${u}`,
      dauByDay.flatMap((dau, i) => (u < dau ? [`${addDays(firstDay, i)}T04:00:00Z`] : [])),
      { features: { [`${addDays(firstDay, 0)}T05:00:00Z`]: 'playlist' }, segment: u < 50 ? 'Champions' : 'At Risk' },
    ),
  );
}

/** The nightly scan of a day in two segments, each in two invocations. */
async function scanNight(day: string, stores: InMemoryHealthStores, clock: ReturnType<typeof fixedClock>, runId = `scoring-${day}`) {
  const users = population();
  for (const segment of [0, 1]) {
    const mine = users.filter((_, i) => i % 2 === segment);
    for (const [chunk, part] of [mine.slice(0, 20), mine.slice(20)].entries()) {
      const folder = healthSegmentFolder(
        { runId, day, segment, totalSegments: 2, startCursor: chunk === 0 ? null : { pk: `USER#${chunk}` } },
        { tallies: stores, settings, clock },
      );
      folder.onUsers(part);
      await folder.finish(chunk === 1);
    }
  }
}

function ports() {
  const stores = new InMemoryHealthStores();
  const killSwitch = new InMemoryKillSwitchStore();
  const clock = fixedClock('2026-11-01T18:00:00Z');
  return {
    stores,
    killSwitch,
    clock,
    health: { series: stores, tallies: stores, alerts: stores, incidents: stores, publisher: stores, messages: stores, killSwitch, settings, clock },
  };
}

describe('computeDailyHealth', () => {
  it('raises yellow, orange and red on the right days and runs STOP on the third day over 15%', async () => {
    // Prepare
    const { stores, killSwitch, clock, health } = ports();

    // Act: each night, scan then compute.
    const levels: string[][] = [];
    for (let i = 0; i < dauByDay.length; i++) {
      const day = addDays(firstDay, i);
      clock.set(`${day}T18:00:00Z`);
      await scanNight(day, stores, clock);
      const result = await computeDailyHealth({ day }, health);
      levels.push(
        result.raised.filter((a) => a.subject.kind === 'dau-drop' || a.subject.kind === 'stop').map((a) => (a.subject.kind === 'stop' ? 'stop' : a.level)),
      );
    }

    // Assess
    expect(levels).toEqual([[], [], ['yellow'], ['orange'], ['red'], ['orange'], ['orange', 'stop']]);
    expect(stores.days.get('2026-11-07')).toMatchObject({ dau: 46, wau: 100, usersKnown: 100 });
    const incident = stores.incidents.get('stop-2026-11-07')!;
    expect(incident).toMatchObject({ status: 'open', drops: [{ day: '2026-11-05' }, { day: '2026-11-06' }, { day: '2026-11-07' }] });
    expect(incident.trace.segments.map((s) => s.name)).toEqual(['At Risk', 'Champions']);
    expect(killSwitch.state).toMatchObject({ active: true, by: 'rekindle:stop-flow' });
    expect(stores.published.map((a) => a.alertId)).toContain('2026-11-07#stop');
  });

  it('changes nothing when a day is recomputed', async () => {
    // Prepare
    const { stores, clock, health } = ports();
    for (let i = 0; i < dauByDay.length; i++) {
      const day = addDays(firstDay, i);
      clock.set(`${day}T18:00:00Z`);
      await scanNight(day, stores, clock);
      await computeDailyHealth({ day }, health);
    }
    const before = structuredClone({
      days: [...stores.days],
      alerts: [...stores.alerts],
      incidents: [...stores.incidents],
      published: stores.published.length,
    });

    // Act: a second scan of the last night (a re-run) and a recompute, later.
    clock.set('2026-11-08T03:00:00Z');
    await scanNight('2026-11-07', stores, clock, 'scoring-2026-11-07-r2');
    const again = await computeDailyHealth({ day: '2026-11-07' }, health);

    // Assess
    expect(again).toMatchObject({ raised: [], incident: null });
    expect({ days: [...stores.days], alerts: [...stores.alerts], incidents: [...stores.incidents], published: stores.published.length }).toEqual(before);
  });

  it('waits, by a retryable error, until a run has read every segment', async () => {
    // Prepare
    const { stores, clock, health } = ports();
    const folder = healthSegmentFolder({ runId: 'r', day: firstDay, segment: 0, totalSegments: 2, startCursor: null }, { tallies: stores, settings, clock });
    await folder.finish(true);

    // Act / Assess
    await expect(computeDailyHealth({ day: firstDay }, health)).rejects.toBeInstanceOf(HealthTalliesNotReadyError);
  });
});

describe('resumeIncident', () => {
  async function stopped() {
    const context = ports();
    for (let i = 0; i < dauByDay.length; i++) {
      const day = addDays(firstDay, i);
      context.clock.set(`${day}T18:00:00Z`);
      await scanNight(day, context.stores, context.clock);
      await computeDailyHealth({ day }, context.health);
    }
    return context;
  }

  it('turns the automatic kill switch off and records who and why', async () => {
    // Prepare
    const { stores, killSwitch, clock } = await stopped();

    // Act
    const resumed = await resumeIncident(
      { incidentId: 'stop-2026-11-07', by: 'ops@example.com', reason: 'recall strategy fixed' },
      { incidents: stores, killSwitch, clock },
    );

    // Assess
    expect(resumed).toMatchObject({ status: 'resumed', resumed: { by: 'ops@example.com', reason: 'recall strategy fixed' } });
    expect(killSwitch.state).toEqual({ active: false });
    await expect(resumeIncident({ incidentId: 'stop-2026-11-07', by: 'x', reason: 'again' }, { incidents: stores, killSwitch, clock })).rejects.toBeInstanceOf(
      IncidentNotOpenError,
    );
  });

  it('refuses a resume without a reason and leaves a manual kill switch on', async () => {
    // Prepare
    const { stores, killSwitch, clock } = await stopped();
    killSwitch.state = { active: true, reason: 'campaign review', since: '2026-11-07T20:00:00.000Z', by: 'ops@example.com' };

    // Act
    await expect(
      resumeIncident({ incidentId: 'stop-2026-11-07', by: 'ops@example.com', reason: ' ' }, { incidents: stores, killSwitch, clock }),
    ).rejects.toThrow(/reason/);
    await resumeIncident({ incidentId: 'stop-2026-11-07', by: 'ops@example.com', reason: 'done' }, { incidents: stores, killSwitch, clock });

    // Assess
    expect(killSwitch.state).toMatchObject({ active: true, by: 'ops@example.com' });
  });
});
