import { describe, expect, it } from 'vitest';
import { previewLaunch } from '../../../../shared/application/journeys/preview-launch';
import { refreshAudienceSummary } from '../../../../shared/application/journeys/refresh-audience-summary';
import { fakeJourneyPorts } from '../../../support/fakes/journey-ports';
import { scoredUser } from '../../journeys/fixtures';

function portsWithUsers(count: number) {
  const ports = fakeJourneyPorts();
  ports.scores.users.push(...Array.from({ length: count }, (_, i) => scoredUser({ userId: `u-${i}` })));
  return ports;
}

const request = { defaultTier: 'R3' as const, audience: { tiers: ['R3' as const] } };

describe('previewLaunch and the audience summary', () => {
  it('answers from the summary once there is one, reading no score', async () => {
    // Prepare
    const ports = portsWithUsers(30);
    await refreshAudienceSummary(ports, { force: true });
    ports.scores.users.splice(0, 10);
    ports.scores.scoredUsers = async () => {
      throw new Error('a preview from the summary reads no score');
    };

    // Act
    const preview = await previewLaunch(request, ports);

    // Assess
    expect(preview).toMatchObject({ kind: 'summary', preview: { source: 'audience-summary', exact: true, matched: 30 } });
    expect(ports.countWorkflow.started).toEqual([]);
  });

  it('starts an exact count when asked for one, or before any summary exists, reading no score in the request', async () => {
    // Prepare
    const ports = portsWithUsers(30);
    ports.scores.scoredUsers = async () => {
      throw new Error('a preview reads no score itself');
    };
    ports.scores.scoredUsersPage = async () => {
      throw new Error('a preview reads no score page itself');
    };
    const before = await previewLaunch(request, ports);
    ports.summaries.summary = { scoredOn: '2026-03-01', computedAt: ports.clock.now().toISOString(), users: 30, cells: [] };

    // Act
    const exact = await previewLaunch(request, ports, { exact: true });

    // Assess
    expect(before).toMatchObject({ kind: 'counting', reason: 'no-summary', count: { status: 'counting', segmentsDone: 0 } });
    expect(exact).toMatchObject({ kind: 'counting', reason: 'exact', count: { status: 'counting' } });
    const ids = [before, exact].map((outcome) => (outcome.kind === 'counting' ? outcome.count.countId : ''));
    expect(ports.countWorkflow.started).toEqual(ids);
    expect(new Set(ids).size).toBe(2);
  });

  it('recomputes the summary once a scoring run finished since the last one, and only then', async () => {
    // Prepare
    const ports = portsWithUsers(5);
    const beforeAnyRun = await refreshAudienceSummary(ports);
    ports.scoringRuns.latest = { date: '2026-03-01', finishedAt: '2026-03-02T02:00:00.000Z' };
    const first = await refreshAudienceSummary(ports);
    ports.scores.users.push(scoredUser({ userId: 'late' }));
    const unchanged = await refreshAudienceSummary(ports);
    ports.clock.advance(3_600_000);
    ports.scoringRuns.latest = { date: '2026-03-02', finishedAt: ports.clock.now().toISOString() };
    ports.clock.advance(60_000);

    // Act
    const refreshed = await refreshAudienceSummary(ports);

    // Assess
    expect(beforeAnyRun).toEqual({ kind: 'no-scoring-run' });
    expect(first).toMatchObject({ kind: 'refreshed', scoredOn: '2026-03-01', users: 5 });
    expect(unchanged).toMatchObject({ kind: 'current' });
    expect(refreshed).toEqual({ kind: 'refreshed', scoredOn: '2026-03-02', users: 6, cells: 1 });
    expect(ports.summaries.saves).toBe(2);
  });
});
