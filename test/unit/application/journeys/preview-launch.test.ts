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
    expect(preview).toMatchObject({ source: 'audience-summary', exact: true, matched: 30 });
  });

  it('reads the scores as they are now when asked for an exact count, or before any summary exists', async () => {
    // Prepare
    const ports = portsWithUsers(30);
    const before = await previewLaunch(request, ports);
    await refreshAudienceSummary(ports, { force: true });
    ports.scores.users.splice(0, 10);

    // Act
    const exact = await previewLaunch(request, ports, { exact: true });

    // Assess
    expect(before).toMatchObject({ source: 'scan', exact: true, matched: 30 });
    expect(exact).toMatchObject({ source: 'scan', exact: true, matched: 20 });
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
