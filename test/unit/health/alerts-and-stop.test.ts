import { describe, expect, it } from 'vitest';
import {
  alertsOfDay,
  computeHealthDay,
  dauDropLevel,
  DEFAULT_HEALTH_THRESHOLDS,
  fellMost,
  isAutomaticStop,
  maskContactData,
  openIncident,
  resumeIncidentRecord,
  stopKillSwitch,
  stopTrigger,
  topComplainedFeatures,
  type HealthDay,
} from '../../../shared/domain/health';

const thresholds = DEFAULT_HEALTH_THRESHOLDS;
const noMessages = { sent: 0, complaints: 0, bounces: 0, unsubscribes: 0 };
const emptyDay = (day: string, dau: number): HealthDay => ({
  ...computeHealthDay([], noMessages, { day, timeZone: 'Asia/Shanghai', coreFeatures: [], cohortWeeks: 4, traceBaseDay: day, benchmarks: {} }),
  dau,
});

describe('DAU drop levels', () => {
  it('are yellow from 5%, orange from 10% up to 20%, red above 20%', () => {
    // Act
    const levels = [0.049, 0.05, 0.099, 0.1, 0.2, 0.2001, -0.3, null].map((drop) => dauDropLevel(drop, thresholds.dauDrop));

    // Assess
    expect(levels).toEqual([null, 'yellow', 'yellow', 'orange', 'orange', 'red', null, null]);
  });

  it('raise one alert with its playbook, with an id per day and level', () => {
    // Act
    const alerts = alertsOfDay(emptyDay('2026-11-10', 88), emptyDay('2026-11-09', 100), thresholds, '2026-11-10T16:05:00.000Z');

    // Assess: 12% down is orange.
    expect(alerts).toEqual([
      expect.objectContaining({
        alertId: '2026-11-10#dau-drop#orange',
        level: 'orange',
        playbook: thresholds.playbooks.orange,
        subject: { kind: 'dau-drop', level: 'orange', drop: 0.12, dau: 88, previousDau: 100 },
      }),
    ]);
  });

  it('raise feature and message-rate alerts beyond their limits', () => {
    // Prepare
    const today: HealthDay = {
      ...emptyDay('2026-11-10', 100),
      features: [
        { feature: 'playlist', users: 30, rate: 0.3, benchmark: 0.4 }, // 0.3 ≥ 0.32? no: below 80% of benchmark
        { feature: 'share', users: 35, rate: 0.35, benchmark: 0.4 },
      ],
      messages: { sent: 1000, complaints: 2, bounces: 40, unsubscribes: 3, complaintRate: 0.002, bounceRate: 0.04, unsubscribeRate: 0.003 },
    };

    // Act
    const alerts = alertsOfDay(today, emptyDay('2026-11-09', 100), thresholds, '2026-11-10T16:05:00.000Z');

    // Assess
    expect(alerts.map((alert) => alert.alertId)).toEqual(['2026-11-10#feature#playlist', '2026-11-10#complaint-rate']);
  });
});

describe('the STOP rule', () => {
  const series = (...daus: number[]) => daus.map((dau, i) => emptyDay(`2026-11-${String(10 + i)}`, dau));

  it('fires when DAU fell more than 15% on each of the last three days', () => {
    // Act
    const fired = stopTrigger(series(100, 84, 70, 59), thresholds.stop);

    // Assess
    expect(fired).toEqual([
      { day: '2026-11-11', drop: 0.16 },
      { day: '2026-11-12', drop: 0.166667 },
      { day: '2026-11-13', drop: 0.157143 },
    ]);
  });

  it('does not fire after two such days, or when one day fell 15% or less', () => {
    // Assess
    expect(stopTrigger(series(100, 84, 70), thresholds.stop)).toBeNull();
    expect(stopTrigger(series(100, 85, 70, 59), thresholds.stop)).toBeNull();
  });

  it('opens an incident with S and T done, the trace of what fell most, and a kill switch told apart from a manual one', () => {
    // Prepare
    const today: HealthDay = {
      ...emptyDay('2026-11-13', 59),
      trace: {
        baseDay: '2026-11-10',
        featuresToday: { playlist: 10, share: 9 },
        featuresBase: { playlist: 40, share: 10, upload: 5 },
        segmentsToday: { Champions: 20 },
        segmentsBase: { Champions: 25, 'At Risk': 10 },
      },
    };

    // Act
    const incident = openIncident(today, [{ day: '2026-11-13', drop: 0.157143 }], '2026-11-13T16:05:00.000Z');
    const switched = stopKillSwitch(incident);
    const resumed = resumeIncidentRecord(incident, 'ops@example.com', 'recall journeys retargeted', '2026-11-14T02:00:00.000Z');

    // Assess
    expect(incident.trace.features.map((entry) => [entry.name, entry.drop])).toEqual([
      ['upload', 1],
      ['playlist', 0.75],
      ['share', 0.1],
    ]);
    expect(incident.trace.segments.map((entry) => entry.name)).toEqual(['At Risk', 'Champions']);
    expect(incident.steps.map((step) => [step.step, step.at])).toEqual([
      ['S', '2026-11-13T16:05:00.000Z'],
      ['T', '2026-11-13T16:05:00.000Z'],
      ['O', null],
      ['P', null],
    ]);
    expect(isAutomaticStop(switched, incident.incidentId)).toBe(true);
    expect(isAutomaticStop({ active: true, reason: 'manual', since: '2026-11-13T00:00:00.000Z', by: 'ops@example.com' })).toBe(false);
    expect(resumed).toMatchObject({ status: 'resumed', resumed: { by: 'ops@example.com', reason: 'recall journeys retargeted' } });
    expect(resumed.steps.every((step) => step.at !== null)).toBe(true);
  });

  it('ranks only what fell', () => {
    expect(fellMost({ a: 5 }, { a: 4, b: 0 })).toEqual([]);
  });
});

describe('the weekly top-3 of complained features', () => {
  it('ranks features by negative ratings, with masked sample comments', () => {
    // Prepare
    const entries = [
      { feature: 'upload', rating: 1, comment: 'fails every time, mail me at li.lei@example.com' },
      { feature: 'upload', rating: 2 },
      { feature: 'upload', rating: 5 },
      { feature: 'share', rating: 1, comment: 'call +86 138 1234 5678' },
      { feature: 'search', rating: 2 },
      { feature: 'search', rating: 2 },
      { feature: 'playlist', rating: 1 },
      { feature: 'profile', rating: 4 },
    ];

    // Act
    const top = topComplainedFeatures(entries);

    // Assess: search and upload have 2 each; search's are all negative, so it ranks first.
    expect(top.map((entry) => [entry.feature, entry.negative, entry.total])).toEqual([
      ['search', 2, 2],
      ['upload', 2, 3],
      ['playlist', 1, 1],
    ]);
    expect(top[1]!.samples).toEqual(['fails every time, mail me at [email]']);
    expect(maskContactData('call +86 138 1234 5678')).toBe('call [phone]');
  });
});
