import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../infra/local/local-runtime';
import { addDays } from '../../../shared/domain/common';
import type { HealthAlert, HealthDay, Incident } from '../../../shared/domain/health';
import { call, startTestRuntime } from '../../support/test-runtime';
import { createUser, sendTest } from '../messaging/support';

// A population of 50 whose daily actives fall: 50, 50, 47 (−6%: yellow), 42 (−10.6%: orange),
// 33 (−21.4%: red), 28 (−15.2%: orange), 23 (−17.9%: orange, and the third day over 15%: STOP).
const DAU = [50, 50, 47, 42, 33, 28, 23];

let runtime: LocalRuntime;
let firstDay: string;
const dayOf = (i: number) => addDays(firstDay, i);

/** Moves the virtual clock forward to `instant` (never back). */
function clockTo(instant: string): void {
  const delta = Date.parse(instant) - runtime.clock.now().getTime();
  if (delta > 0) runtime.clock.advance(delta);
}

async function must(method: string, path: string, body?: unknown) {
  const answer = await call(runtime, method, path, {
    auth: method === 'POST' && path === '/v1/events' ? 'ingest' : 'marketer',
    ...(body === undefined ? {} : { body }),
  });
  if (answer.status >= 300) throw new Error(`${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** Day i: the first DAU[i] users have a session at noon Shanghai; then the night's scan and the day's health. */
async function liveDay(i: number): Promise<void> {
  const day = dayOf(i);
  clockTo(`${day}T10:00:00Z`);
  const events = Array.from({ length: DAU[i]! }, (_, u) => ({
    eventId: `h-${day}-${u}`,
    userId: `hp-${String(u).padStart(2, '0')}`,
    type: 'session',
    timestamp: `${day}T04:00:00Z`,
  }));
  await must('POST', '/v1/events', { events });
  await runtime.settle();
  const started = await must('POST', '/v1/scoring/runs', { date: day });
  const scoringArn = `${runtime.stateMachineArn('ScoringNightlyScoringStateMachine').replace(':stateMachine:', ':execution:')}:${String(started.runId)}`;
  const scoring = await runtime.stepFunctions!.waitForExecution(scoringArn);
  if (scoring.status !== 'SUCCEEDED') throw new Error(`scoring ${day}: ${scoring.status} ${scoring.error} ${scoring.cause}`);
  await computeHealth(day, `health-${day}`);
}

async function computeHealth(day: string, name: string) {
  const { executionArn } = await runtime.stepFunctions!.startExecution({
    stateMachineArn: runtime.stateMachineArn('HealthDailyHealthStateMachine'),
    name,
    input: JSON.stringify({ day, scheduledTime: null }),
  });
  const execution = await runtime.stepFunctions!.waitForExecution(executionArn);
  if (execution.status !== 'SUCCEEDED') throw new Error(`health ${day}: ${execution.status} ${execution.error} ${execution.cause}`);
}

const alertsOf = async () => ((await must('GET', '/v1/alerts')).alerts as HealthAlert[]).filter((alert) => alert.day >= firstDay);

beforeAll(async () => {
  runtime = await startTestRuntime();
  // Start on a fresh UTC day, derived from the runtime's clock.
  firstDay = addDays(runtime.clock.now().toISOString().slice(0, 10), 1);
  for (let i = 0; i < DAU.length; i++) await liveDay(i);
}, 600_000);
afterAll(async () => {
  await runtime?.stop();
});

describe('product health on the local runtime', () => {
  it('raises yellow, orange and red on the right days, and STOP on the third day over 15%', async () => {
    // Act
    const alerts = await alertsOf();
    const daily = (await must('GET', `/v1/health/daily?from=${dayOf(0)}&to=${dayOf(6)}`)).days as HealthDay[];

    // Assess
    expect(daily.map((day) => day.dau)).toEqual(DAU);
    const dauAlerts = alerts
      .filter((alert) => alert.subject.kind === 'dau-drop' || alert.subject.kind === 'stop')
      .map((alert) => `${alert.day} ${alert.subject.kind === 'stop' ? 'stop' : alert.level}`)
      .sort();
    expect(dauAlerts).toEqual(
      [`${dayOf(2)} yellow`, `${dayOf(3)} orange`, `${dayOf(4)} red`, `${dayOf(5)} orange`, `${dayOf(6)} orange`, `${dayOf(6)} stop`].sort(),
    );
    const incidents = (await must('GET', '/v1/incidents')).incidents as Incident[];
    expect(incidents).toEqual([
      expect.objectContaining({
        incidentId: `stop-${dayOf(6)}`,
        status: 'open',
        drops: [expect.objectContaining({ day: dayOf(4) }), expect.objectContaining({ day: dayOf(5) }), expect.objectContaining({ day: dayOf(6) })],
      }),
    ]);
    expect((await must('GET', '/v1/killswitch')).killSwitch).toMatchObject({ active: true, by: 'rekindle:stop-flow' });
  });

  it('changes nothing when a day is recomputed', async () => {
    // Prepare
    const before = {
      alerts: await alertsOf(),
      incidents: (await must('GET', '/v1/incidents')).incidents,
      day: (await must('GET', `/v1/health/daily?from=${dayOf(6)}&to=${dayOf(6)}`)).days,
    };

    // Act
    await computeHealth(dayOf(6), `health-${dayOf(6)}-again`);

    // Assess
    expect({
      alerts: await alertsOf(),
      incidents: (await must('GET', '/v1/incidents')).incidents,
      day: (await must('GET', `/v1/health/daily?from=${dayOf(6)}&to=${dayOf(6)}`)).days,
    }).toEqual(before);
  });

  it('skips non-core sends with the reason while core sends pass, until a person resumes', async () => {
    // Prepare
    const [marketing, receipt, afterResume] = [await createUser(runtime), await createUser(runtime), await createUser(runtime)];

    // Act
    const skipped = await sendTest(runtime, { userId: marketing.userId, channel: 'email', priority: 'non-core' });
    const core = await sendTest(runtime, { userId: receipt.userId, channel: 'email', priority: 'core' });
    const resumed = await call(runtime, 'POST', `/v1/incidents/stop-${dayOf(6)}/resume`, { auth: 'marketer', body: { reason: 'recall strategy reviewed' } });
    const sent = await sendTest(runtime, { userId: afterResume.userId, channel: 'email', priority: 'non-core' });

    // Assess
    expect(skipped.body.outcome).toMatchObject({ kind: 'skipped', reason: 'kill-switch' });
    expect(core.body.outcome).toMatchObject({ kind: 'sent' });
    expect(resumed.status).toBe(200);
    expect(resumed.body.incident).toMatchObject({ status: 'resumed', resumed: { reason: 'recall strategy reviewed' } });
    expect(sent.body.outcome).toMatchObject({ kind: 'sent' });
  });
});
