import { Referral, type CodeAssignment, type ReferralStore } from '../../../shared/domain/loyalty';

/** `ReferralStore` in memory: codes both ways, one referral per referee. */
export class InMemoryReferralStore implements ReferralStore {
  private readonly usersByCode = new Map<string, string>();
  private readonly codesByUser = new Map<string, { code: string; createdAt: string }>();
  private readonly referralsByReferee = new Map<string, Referral>();

  /** Gives a user a code (a test's shortcut to `assignCode`); `taken` when another user holds it. */
  async claimCode(code: string, userId: string, at = new Date(0)): Promise<'claimed' | 'taken'> {
    const assignment = await this.assignCode(code, userId, at);
    return assignment === 'code-taken' ? 'taken' : 'claimed';
  }

  async assignCode(code: string, userId: string, at: Date): Promise<CodeAssignment> {
    if (this.usersByCode.has(code)) return 'code-taken';
    if (this.codesByUser.has(userId)) return 'user-has-code';
    this.usersByCode.set(code, userId);
    this.codesByUser.set(userId, { code, createdAt: at.toISOString() });
    return 'assigned';
  }

  async codeOf(userId: string): Promise<{ code: string; createdAt: string } | undefined> {
    return this.codesByUser.get(userId);
  }

  async userForCode(code: string): Promise<string | undefined> {
    return this.usersByCode.get(code);
  }

  async referralOf(refereeId: string): Promise<Referral | undefined> {
    return this.referralsByReferee.get(refereeId);
  }

  async record(referral: Referral): Promise<'recorded' | 'already-referred'> {
    const valid = Referral.parse(referral);
    if (this.referralsByReferee.has(valid.refereeId)) return 'already-referred';
    this.referralsByReferee.set(valid.refereeId, valid);
    return 'recorded';
  }
}
