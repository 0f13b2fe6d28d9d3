/**
 * Key layout of journey items (see shared/adapters/dynamodb/keys.ts for the tables).
 *
 * Operations table (system-wide, few and small):
 *   pk JOURNEY#<journeyId>                    sk STATE        definition, audience, status, launch time;
 *                                                             read (consistently) by every step of every execution
 *   pk JOURNEYS                               sk <journeyId>  index item, so listing is a Query, not a Scan
 *   pk JOURNEY#<journeyId>#MEMBERS#<shard>    sk <userId>     who is enrolled (tier, holdout, enrolledAt): the
 *                                                             report and stop read these; sharded so a launch of
 *                                                             millions spreads its writes over MEMBER_SHARDS partitions
 *   pk JOURNEY#<journeyId>#LAUNCH             sk SEGMENT#<nn> the launch workflow's checkpoint of scan segment nn
 *                                                             (cursor, pages, counts); sk STARTED: executions started
 *
 * Users table, under the user's own partition (pk USER#<userId>):
 *   sk JOURNEY#<journeyId>#ENROLLMENT         tier, holdout, enrolledAt, executionName
 *   sk JOURNEY#<journeyId>#STEP#<nn>          what step nn did: per-channel send outcomes, or an escalation
 *   sk JOURNEY#<journeyId>#EXIT               why the execution left early (came back, stopped, deadline)
 *   sk JOURNEY#<journeyId>#FAILURE            written by the state machine's RecordFailure state
 *   (a later entry of a journey users may re-enter: sk JOURNEY#<journeyId>#ENTRY#<nnn>#STEP#<nn> and …#EXIT;
 *   the ENROLLMENT record keeps the entries: count, last entry and its event, last exit, refused entries)
 *
 * Operations table, for exact counts (POST /v1/journeys/preview with "exact", kept a week by TTL):
 *   pk COUNT#<countId>                        sk COUNT        the launch it previews (definition, audience), when asked
 *                                                             for; failure, written by the count workflow's Catch
 *   pk COUNT#<countId>                        sk SEGMENT#<nn> the count workflow's checkpoint of scan segment nn
 *
 * Operations table, for lifecycle journeys: pk JOURNEY#<journeyId>#LAUNCH sk REFUSED: refused entries by reason.
 * Users table: sk LIFECYCLE#FIRST#<kind>: the user's first event of a kind (session, purchase, feature_use#<f>).
 */
import { createHash } from 'node:crypto';

/** Membership shards per journey: 1,000 writes/s per partition × 16 ≫ the 300/s StartExecution rate. */
export const MEMBER_SHARDS = 16;

/** Records of the first entry keep their keys from before re-entry; later entries' go under ENTRY#<nnn>. */
function entryPrefix(journeyId: string, entry: number): string {
  return entry <= 1 ? `JOURNEY#${journeyId}#` : `JOURNEY#${journeyId}#ENTRY#${String(entry).padStart(3, '0')}#`;
}

export const journeyKeys = {
  stateKey: (journeyId: string) => ({ pk: `JOURNEY#${journeyId}`, sk: 'STATE' }),
  indexPk: 'JOURNEYS',
  memberPk: (journeyId: string, shard: number) => `JOURNEY#${journeyId}#MEMBERS#${String(shard).padStart(2, '0')}`,
  memberShardOf: (userId: string) => createHash('sha256').update(userId).digest().readUInt16BE(0) % MEMBER_SHARDS,
  launchPk: (journeyId: string) => `JOURNEY#${journeyId}#LAUNCH`,
  launchSegmentSk: (segment: number) => `SEGMENT#${String(segment).padStart(2, '0')}`,
  launchStartedSk: 'STARTED',
  countKey: (countId: string) => ({ pk: `COUNT#${countId}`, sk: 'COUNT' }),
  countSegmentSk: (segment: number) => `SEGMENT#${String(segment).padStart(2, '0')}`,
  userPk: (userId: string) => `USER#${userId}`,
  userPrefix: (journeyId: string) => `JOURNEY#${journeyId}#`,
  enrollmentSk: (journeyId: string) => `JOURNEY#${journeyId}#ENROLLMENT`,
  stepSk: (journeyId: string, index: number, entry = 1) => `${entryPrefix(journeyId, entry)}STEP#${String(index).padStart(2, '0')}`,
  exitSk: (journeyId: string, entry = 1) => `${entryPrefix(journeyId, entry)}EXIT`,
  refusedSk: 'REFUSED',
  firstEventSk: (kind: string) => `LIFECYCLE#FIRST#${kind}`,
  failureSk: (journeyId: string) => `JOURNEY#${journeyId}#FAILURE`,
  scoreSk: 'SCORE',
  profileSk: 'PROFILE',
};
