/**
 * The report per step and per entry: what each plan step did (sends by outcome and skip reason,
 * the sides a branch took), who entered how often, and who left early and why, counted both per
 * entry (total) and per user (unique) when users re-enter. Pure: from the recorded step and exit
 * records and the members.
 */
import type { JourneyMember } from './stored-journey';
import type { UserJourneyRecords } from './journey-records';
import type { ReentryRefusal } from './lifecycle';
import { notSentReason } from './comeback';

/** A count of entries and of the distinct users behind them. */
export interface TotalAndUnique {
  total: number;
  unique: number;
}

export interface StepReportRow {
  stepIndex: number;
  kind: 'send' | 'escalate' | 'branch';
  templateId?: string;
  /** Entries that reached the step. */
  reached: TotalAndUnique;
  /** Entries with at least one channel sent, and sends skipped by reason (per channel). */
  sent: TotalAndUnique;
  skippedByReason: Record<string, number>;
  /** Sends that failed or are still deferred (per channel), by `failed:<code>` / `deferred:<reason>` (template-error among them). */
  notSentByReason: Record<string, number>;
  /** A branch: entries that took each side. */
  sides?: { then: number; else: number };
}

export interface EntriesReport {
  entered: TotalAndUnique;
  /** Entries refused by the re-entry policy, by reason (never errors). */
  refused: Partial<Record<ReentryRefusal, number>>;
  /** Entries that left before the end, by reason. */
  exitedEarly: Record<string, TotalAndUnique>;
  steps: StepReportRow[];
}

function bump(counts: Map<string, { total: number; users: Set<string> }>, key: string, userId: string): void {
  let count = counts.get(key);
  if (!count) counts.set(key, (count = { total: 0, users: new Set() }));
  count.total += 1;
  count.users.add(userId);
}

function totals(counts: Map<string, { total: number; users: Set<string> }>, key: string): TotalAndUnique {
  const count = counts.get(key);
  return { total: count?.total ?? 0, unique: count?.users.size ?? 0 };
}

/** Builds the entries and per-step report of one journey from its members and their records. */
export function buildEntriesReport(
  members: readonly JourneyMember[],
  records: ReadonlyMap<string, UserJourneyRecords>,
  refused: Partial<Record<ReentryRefusal, number>>,
): EntriesReport {
  const reached = new Map<string, { total: number; users: Set<string> }>();
  const sent = new Map<string, { total: number; users: Set<string> }>();
  const exits = new Map<string, { total: number; users: Set<string> }>();
  const rows = new Map<number, StepReportRow>();
  let totalEntries = 0;
  for (const member of members) {
    totalEntries += member.entries ?? 1;
    const userRecords = records.get(member.userId);
    if (!userRecords) continue;
    for (const step of userRecords.steps) {
      const key = String(step.stepIndex);
      let row = rows.get(step.stepIndex);
      if (!row) {
        row = {
          stepIndex: step.stepIndex,
          kind: step.kind,
          reached: { total: 0, unique: 0 },
          sent: { total: 0, unique: 0 },
          skippedByReason: {},
          notSentByReason: {},
        };
        if (step.kind === 'send') row.templateId = step.templateId;
        if (step.kind === 'branch') row.sides = { then: 0, else: 0 };
        rows.set(step.stepIndex, row);
      }
      bump(reached, key, member.userId);
      if (step.kind === 'send') {
        const outcomes = Object.values(step.channels);
        if (outcomes.some((outcome) => outcome.kind === 'sent')) bump(sent, key, member.userId);
        for (const outcome of outcomes) {
          if (outcome.kind === 'skipped') row.skippedByReason[outcome.reason ?? 'unknown'] = (row.skippedByReason[outcome.reason ?? 'unknown'] ?? 0) + 1;
          for (const reason of notSentReason(outcome)) row.notSentByReason[reason] = (row.notSentByReason[reason] ?? 0) + 1;
        }
      }
      if (step.kind === 'branch' && row.sides) row.sides[step.side] += 1;
    }
    for (const exit of userRecords.exits ?? (userRecords.exit ? [userRecords.exit] : [])) bump(exits, exit.reason, member.userId);
  }
  const steps = [...rows.values()]
    .sort((a, b) => a.stepIndex - b.stepIndex)
    .map((row) => ({ ...row, reached: totals(reached, String(row.stepIndex)), sent: totals(sent, String(row.stepIndex)) }));
  return {
    entered: { total: totalEntries, unique: members.length },
    refused,
    exitedEarly: Object.fromEntries([...exits.keys()].map((reason) => [reason, totals(exits, reason)])),
    steps,
  };
}
