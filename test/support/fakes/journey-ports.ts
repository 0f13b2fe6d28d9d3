import { fixedClock } from '../../../shared/domain/common';
import type { JourneyPorts } from '../../../shared/domain/journeys';
import { InMemoryActivityReader } from './activity-reader';
import { InMemoryAudienceCountStore, RecordingCountWorkflow } from './audience-count-store';
import { FakeScoringRuns, InMemoryAudienceSummaryStore } from './audience-summary-store';
import { InMemoryEnrollmentStore } from './enrollment-store';
import { InMemoryFirstEventClaims } from './first-event-claims';
import { InMemoryExecutionStarter } from './execution-starter';
import { FakeJourneySender } from './journey-sender';
import { InMemoryJourneyStore } from './journey-store';
import { FakeKillSwitch } from './kill-switch';
import { InMemoryLaunchProgressStore } from './launch-progress-store';
import { InMemoryLaunchQueue } from './launch-queue';
import { RecordingLaunchWorkflow } from './launch-workflow';
import { InMemoryScoreReader } from './score-reader';
import { InMemorySunsetList } from './sunset-list';

/** Every journey port in memory, with the concrete fakes so a test can prepare and inspect them. */
export function fakeJourneyPorts(now = new Date('2026-03-02T09:00:00.000Z')) {
  const journeys = new InMemoryJourneyStore();
  return {
    clock: fixedClock(now),
    journeys,
    enrollments: new InMemoryEnrollmentStore(journeys),
    scores: new InMemoryScoreReader(),
    activity: new InMemoryActivityReader(),
    queue: new InMemoryLaunchQueue(),
    starter: new InMemoryExecutionStarter(),
    launches: new InMemoryLaunchProgressStore(),
    launchWorkflow: new RecordingLaunchWorkflow(),
    counts: new InMemoryAudienceCountStore(),
    countWorkflow: new RecordingCountWorkflow(),
    summaries: new InMemoryAudienceSummaryStore(),
    scoringRuns: new FakeScoringRuns(),
    killSwitch: new FakeKillSwitch(),
    sunsets: new InMemorySunsetList(),
    sender: new FakeJourneySender(),
    firstEvents: new InMemoryFirstEventClaims(),
  } satisfies JourneyPorts;
}
