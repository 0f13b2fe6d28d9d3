/**
 * The marketer's loyalty report without reading the population: each program's funnel by program
 * day (enrolled, still on an unbroken streak at day n, completed) and the month's referrals,
 * from counters of distinct users (LoyaltyReportCounters) kept as enrolments and check-ins happen.
 */
import type { CheckInOutcome, ProgramDefinition } from './checkin-program';

/** The report a program's funnel counters live under. */
export const programReportOf = (programId: string) => `program#${programId}`;
/** The report a month's referral counters live under (UTC month, as the reward budget's). */
export const referralReportOf = (month: string) => `referrals#${month}`;

export const FUNNEL_ENROLLED = 'enrolled';
export const FUNNEL_COMPLETED = 'completed';
export const REFERRAL_SIGNED_UP = 'signed-up';
export const streakCounterOf = (day: number) => `streak-${day}`;

/**
 * The funnel counters a saved check-in moves: `streak-<n>` when the user has checked in on every
 * day from the first to program day n, `completed` when it completed the program.
 */
export function funnelCountersOf(outcome: Extract<CheckInOutcome, { kind: 'checked-in' }>): string[] {
  const counters = outcome.streak === outcome.dayNumber ? [streakCounterOf(outcome.dayNumber)] : [];
  if (outcome.state.status.kind === 'completed') counters.push(FUNNEL_COMPLETED);
  return counters;
}

export interface ProgramFunnel {
  readonly programId: string;
  readonly enrolled: number;
  /** Day n of the program: users who checked in on each of days 1 to n. */
  readonly days: ReadonlyArray<{ readonly day: number; readonly onStreak: number }>;
  readonly completed: number;
}

/** A program's funnel from its counters: every day of its window, zero where nobody got that far. */
export function programFunnelOf(definition: Pick<ProgramDefinition, 'programId' | 'windowDays'>, totals: Readonly<Record<string, number>>): ProgramFunnel {
  return {
    programId: definition.programId,
    enrolled: totals[FUNNEL_ENROLLED] ?? 0,
    days: Array.from({ length: definition.windowDays }, (_, index) => ({ day: index + 1, onStreak: totals[streakCounterOf(index + 1)] ?? 0 })),
    completed: totals[FUNNEL_COMPLETED] ?? 0,
  };
}
