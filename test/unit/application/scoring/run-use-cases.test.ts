import { describe, expect, it } from 'vitest';
import { latestTierDistribution } from '../../../../shared/application/scoring/get-tiers';
import { getLatestRun, getScoringRun } from '../../../../shared/application/scoring/get-run';
import { startScoringRun } from '../../../../shared/application/scoring/start-run';
import { summarizeRun } from '../../../../shared/application/scoring/summarize-run';
import { fixedClock } from '../../../../shared/domain/common';
import { emptyCounts, nightlyTransitions, type SegmentCounts, type SummarizeRequest } from '../../../../shared/domain/scoring-run';
import { InMemoryRunLauncher, InMemoryRuns } from '../../../support/fakes/scoring-runs';

const clock = fixedClock('2025-03-16T02:00:00.000Z');

function counts(fields: Partial<SegmentCounts>): SegmentCounts {
  return { ...emptyCounts(), ...fields };
}

/** The fields of a prepared run that the summary reads; the reference and parameters are not. */
function preparedRun(): SummarizeRequest['prepared'] {
  return {
    runId: 'scoring-2025-03-15',
    date: '2025-03-15',
    startedAt: '2025-03-16T01:59:00.000Z',
    paramsVersion: 'params-2025-03-15',
    refitted: true,
    totalSegments: 2,
    sampleReadUnits: 7,
  } as SummarizeRequest['prepared'];
}

describe('starting a scoring run', () => {
  it('names the run after its day, and a second start of the day takes the next suffix', async () => {
    // Prepare
    const launcher = new InMemoryRunLauncher();

    // Act
    const first = await startScoringRun({ date: '2025-03-15' }, { launcher, clock });
    const rerun = await startScoringRun({ date: '2025-03-15' }, { launcher, clock });

    // Assess
    expect(first).toEqual({ kind: 'started', runId: 'scoring-2025-03-15', date: '2025-03-15' });
    expect(rerun).toEqual({ kind: 'started', runId: 'scoring-2025-03-15-r2', date: '2025-03-15' });
    expect(JSON.parse(launcher.executions.get('scoring-2025-03-15')!.input)).toEqual({ date: '2025-03-15' });
  });

  it('scores today (UTC) when no day is given', async () => {
    // Act
    const outcome = await startScoringRun(undefined, { launcher: new InMemoryRunLauncher(), clock });

    // Assess
    expect(outcome).toEqual({ kind: 'started', runId: 'scoring-2025-03-16', date: '2025-03-16' });
  });

  it('refuses a day that is not on the calendar, naming the field, and starts nothing', async () => {
    // Prepare
    const launcher = new InMemoryRunLauncher();

    // Act
    const outcome = await startScoringRun({ date: '2025-02-30' }, { launcher, clock });

    // Assess
    expect(outcome).toMatchObject({ kind: 'invalid', problems: [{ path: 'date' }] });
    expect(launcher.executions.size).toBe(0);
  });

  it('stops after 50 runs of one day', async () => {
    // Prepare
    const launcher = new InMemoryRunLauncher();
    for (let attempt = 0; attempt < 50; attempt += 1) await startScoringRun({ date: '2025-03-15' }, { launcher, clock });

    // Act
    const outcome = await startScoringRun({ date: '2025-03-15' }, { launcher, clock });

    // Assess
    expect(outcome).toEqual({ kind: 'too-many-reruns', date: '2025-03-15' });
  });
});

describe('summarizing and reading a run', () => {
  it('adds the segments and the sample reads up, times the run and stores the summary', async () => {
    // Prepare
    const runs = new InMemoryRuns();
    const request: SummarizeRequest = {
      prepared: preparedRun(),
      segments: [
        { segment: 0, counts: counts({ usersScored: 3, readUnits: 10, invocations: 1 }), memoryMb: 1024 },
        { segment: 1, counts: counts({ usersScored: 4, readUnits: 5, invocations: 2 }), memoryMb: 1024 },
      ],
    };

    // Act
    const summary = await summarizeRun(request, { runs, clock });

    // Assess
    expect(summary.totals.usersScored).toBe(7);
    expect(summary.totals.readUnits).toBe(22);
    expect(summary.durationMs).toBe(60_000);
    expect(summary.stateTransitions).toBe(nightlyTransitions(2, 3));
    expect(await getLatestRun({ runs })).toEqual({ runId: 'scoring-2025-03-15', status: 'SUCCEEDED', summary });
    expect(await latestTierDistribution({ runs })).toMatchObject({ runId: 'scoring-2025-03-15', users: 7 });
  });

  it('shows a running run with its progress per segment', async () => {
    // Prepare
    const launcher = new InMemoryRunLauncher();
    const runs = new InMemoryRuns();
    await launcher.start('scoring-2025-03-15', '{}');
    await runs.putPrepared({ runId: 'scoring-2025-03-15', date: '2025-03-15', totalSegments: 2, estimatedUsers: 100, startedAt: '2025-03-16T01:59:00.000Z' });
    await runs.putSegmentProgress('scoring-2025-03-15', 0, counts({ usersScored: 40 }), true);
    await runs.putSegmentProgress('scoring-2025-03-15', 1, counts({ usersScored: 15 }), false);

    // Act
    const run = await getScoringRun('scoring-2025-03-15', { launcher, runs });

    // Assess
    expect(run).toMatchObject({
      status: 'RUNNING',
      date: '2025-03-15',
      progress: { totalSegments: 2, segmentsDone: 1, usersScored: 55, estimatedUsers: 100 },
      summary: null,
    });
  });

  it('knows no run that neither the state machine nor the store has, nor a latest one before the first', async () => {
    // Prepare
    const runs = new InMemoryRuns();

    // Act
    const run = await getScoringRun('scoring-1999-01-01', { launcher: new InMemoryRunLauncher(), runs });

    // Assess
    expect(run).toBeNull();
    expect(await getLatestRun({ runs })).toBeNull();
    expect(await latestTierDistribution({ runs })).toBeNull();
  });
});
