import { programFunnelOf, programReportOf, REFERRAL_SIGNED_UP, referralReportOf, type LoyaltyPorts, type ProgramFunnel } from '../../domain/loyalty';

/** `report` of `GET /v1/programs?month=YYYY-MM`: each program's funnel, and the month's referrals and reward budget. */
export interface ProgramsReport {
  readonly month: string;
  readonly programs: readonly ProgramFunnel[];
  readonly referrals: { readonly signedUp: number };
  readonly budget: { readonly monthlyBudget: number; readonly spent: number; readonly queuedCoupons: number };
}

/**
 * The loyalty report for a month (UTC, as the reward budget counts it): a few counter reads per
 * program and the month's budget items, whatever the number of users; nothing scans the population.
 */
export async function programsReport(
  ports: Pick<LoyaltyPorts, 'rules' | 'reportCounters' | 'budget'>,
  input: { readonly month: string },
): Promise<ProgramsReport> {
  const [programs, referrals, spent, queued] = await Promise.all([
    Promise.all(ports.rules.programs.map(async (program) => programFunnelOf(program, await ports.reportCounters.totals(programReportOf(program.programId))))),
    ports.reportCounters.totals(referralReportOf(input.month)),
    ports.budget.spent(input.month),
    ports.budget.queued(input.month),
  ]);
  return {
    month: input.month,
    programs,
    referrals: { signedUp: referrals[REFERRAL_SIGNED_UP] ?? 0 },
    budget: { monthlyBudget: ports.rules.budget.monthlyBudget, spent, queuedCoupons: queued.length },
  };
}
