import {
  buildEntriesReport,
  buildJourneyReport,
  JourneyNotFound,
  outcomeOf,
  reportHistoryStart,
  type ActivityReader,
  type EnrollmentStore,
  type EntriesReport,
  type JourneyReport,
  type JourneyStore,
  type StoredJourney,
  type UserJourneyOutcome,
} from '../../domain/journeys';
import { forEachConcurrently } from './for-each-concurrently';

export interface ReportPorts {
  journeys: Pick<JourneyStore, 'get' | 'listMembers'>;
  enrollments: Pick<EnrollmentStore, 'recordsOf' | 'refusedEntries'>;
  activity: ActivityReader;
}

export interface JourneyReportAnswer {
  journey: StoredJourney;
  report: JourneyReport;
  exits: Record<string, number>;
  failures: number;
  /** Per step and per entry: sends and skips by reason, branch sides, entries unique and total, early exits, refused re-entries. */
  entries: EntriesReport;
}

/**
 * The domain's report from recorded outcomes and the daily aggregates (30 days of history before
 * enrollment for spill-over), with the exits by reason and the executions that failed.
 * @throws {JourneyNotFound} for an unknown id.
 */
export async function reportJourney(journeyId: string, ports: ReportPorts): Promise<JourneyReportAnswer> {
  const journey = await ports.journeys.get(journeyId);
  if (!journey) throw new JourneyNotFound(journeyId);
  const members = await ports.journeys.listMembers(journeyId);
  const records = await ports.enrollments.recordsOf(
    journeyId,
    members.map((member) => member.userId),
  );
  const outcomes: UserJourneyOutcome[] = [];
  const exits: Record<string, number> = {};
  let failures = 0;
  await forEachConcurrently(members, 16, async (member) => {
    const days = await ports.activity.activitySince(member.userId, reportHistoryStart(member));
    const memberRecords = records.get(member.userId) ?? { steps: [] };
    outcomes.push(outcomeOf(member, memberRecords, days));
    if (memberRecords.exit) exits[memberRecords.exit.reason] = (exits[memberRecords.exit.reason] ?? 0) + 1;
    if (memberRecords.failure) failures += 1;
  });
  outcomes.sort((a, b) => a.userId.localeCompare(b.userId));
  const entries = buildEntriesReport(members, records, await ports.enrollments.refusedEntries(journeyId));
  return { journey, report: buildJourneyReport(journeyId, outcomes), exits, failures, entries };
}
