import {
  EMPTY_BALANCE,
  LedgerEntry,
  decideAppend,
  type AppendConditions,
  type AppendOutcome,
  type LedgerAccount,
  type LedgerBalance,
  type LoyaltyLedger,
} from '../../../shared/domain/loyalty';

interface UserLedger {
  readonly entries: LedgerEntry[];
  readonly entryIds: Set<string>;
  readonly balances: Map<LedgerAccount, LedgerBalance>;
  /** Entries counted per cap key (`GrantCap.key`). */
  readonly capCounts: Map<string, number>;
}

/**
 * The loyalty ledger in memory, for unit tests. Each append decides and writes
 * in one synchronous step (no `await` between the check and the write), which is as atomic as
 * the DynamoDB transaction it stands for: concurrent appends interleave only between calls.
 */
export class InMemoryLedgerStore implements LoyaltyLedger {
  private readonly ledgers = new Map<string, UserLedger>();

  async append(entry: LedgerEntry, conditions: AppendConditions = {}): Promise<AppendOutcome> {
    // Validate like the adapter will: a malformed entry must never reach the ledger.
    const valid = LedgerEntry.parse(entry);
    const ledger = this.ledgerOf(valid.userId);
    const { cap } = conditions;
    const countedUnderCap = cap ? (ledger.capCounts.get(cap.key) ?? 0) : 0;
    const outcome = decideAppend(
      { entryExists: ledger.entryIds.has(valid.id), balance: ledger.balances.get(valid.account) ?? EMPTY_BALANCE, countedUnderCap },
      valid,
      conditions,
    );
    if (outcome.kind === 'appended') {
      ledger.entries.push(valid);
      ledger.entryIds.add(valid.id);
      ledger.balances.set(valid.account, outcome.balance);
      if (cap) ledger.capCounts.set(cap.key, countedUnderCap + 1);
    }
    return outcome;
  }

  async balance(userId: string, account: LedgerAccount): Promise<LedgerBalance> {
    return this.ledgers.get(userId)?.balances.get(account) ?? EMPTY_BALANCE;
  }

  async history(userId: string): Promise<readonly LedgerEntry[]> {
    return [...(this.ledgers.get(userId)?.entries ?? [])];
  }

  async entriesWithIdPrefix(userId: string, idPrefix: string): Promise<readonly LedgerEntry[]> {
    return (await this.history(userId)).filter((entry) => entry.id.startsWith(idPrefix));
  }

  private ledgerOf(userId: string): UserLedger {
    const existing = this.ledgers.get(userId);
    if (existing) return existing;
    const created: UserLedger = { entries: [], entryIds: new Set(), balances: new Map(), capCounts: new Map() };
    this.ledgers.set(userId, created);
    return created;
  }
}
