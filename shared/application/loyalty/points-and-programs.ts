import {
  growthLevelNamed,
  growthLevelOf,
  pointsExpiringSoon,
  type GrowthLevel,
  programNamed,
  summarizeCheckinProgram,
  type ProgramDefinition,
  type CheckinProgramState,
  type CheckinProgramSummary,
  type Coupon,
  type LedgerEntry,
  type LoyaltyPorts,
  type RecordedMessage,
} from '../../domain/loyalty';

/** A user's points, growth and level, ledger history and coupons. */
export interface PointsView {
  readonly userId: string;
  readonly points: number;
  readonly growth: number;
  readonly level: string;
  /** The current level's names per locale and its perks. */
  readonly levelDetail: GrowthLevel;
  readonly nextLevel: { readonly name: string; readonly minGrowth: number } | undefined;
  readonly history: readonly LedgerEntry[];
  readonly coupons: readonly Coupon[];
  /** Points that expire within the notice period, and when the first of them do. */
  readonly expiringSoon: { readonly amount: number; readonly from: string } | undefined;
}

/** A user's balances, growth level (and the next one), ledger history and coupons. */
export async function pointsOf(ports: Pick<LoyaltyPorts, 'ledger' | 'coupons' | 'rules' | 'clock'>, userId: string): Promise<PointsView> {
  const [points, growth, history, coupons] = await Promise.all([
    ports.ledger.balance(userId, 'points'),
    ports.ledger.balance(userId, 'growth'),
    ports.ledger.history(userId),
    ports.coupons.couponsOf(userId),
  ]);
  const next = ports.rules.growth.levels.find((level) => level.minGrowth > growth.amount);
  return {
    userId,
    points: points.amount,
    growth: growth.amount,
    level: growthLevelOf(growth.amount, ports.rules.growth),
    levelDetail: growthLevelNamed(growthLevelOf(growth.amount, ports.rules.growth), ports.rules.growth),
    nextLevel: next ? { name: next.name, minGrowth: next.minGrowth } : undefined,
    history,
    coupons,
    expiringSoon: pointsExpiringSoon(history, ports.clock.now(), ports.rules.points),
  };
}

/** One program as `GET /v1/users/{id}/programs` shows it. */
export interface ProgramView {
  readonly state: CheckinProgramState;
  /** The program's rules (length, daily action, rewards). */
  readonly definition: ProgramDefinition;
  readonly summary: CheckinProgramSummary;
  readonly nextWakeAt: string | undefined;
}

/** The user's programs (rules, progress, summary, next wake-up) and the loyalty messages sent to them. */
export async function programsOf(
  ports: Pick<LoyaltyPorts, 'programs' | 'messages' | 'rules'>,
  userId: string,
): Promise<{ programs: ProgramView[]; messages: RecordedMessage[] }> {
  const [stored, messages] = await Promise.all([ports.programs.programsOf(userId), ports.messages.messagesOf(userId)]);
  return {
    programs: stored.flatMap((program) => {
      // A program no longer configured is left out: its rules are gone.
      const definition = programNamed(ports.rules.programs, program.state.programId);
      return definition ? [{ state: program.state, definition, summary: summarizeCheckinProgram(program.state, definition), nextWakeAt: program.wakeAt }] : [];
    }),
    messages,
  };
}
