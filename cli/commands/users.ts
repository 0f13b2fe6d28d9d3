import type { Command } from 'commander';
import { DEFAULT_DATA_DIR } from '../../infra/local/local-runtime';
import type { ActivitySummary } from '../../shared/domain/events/daily-activity';
import type { UserProfile } from '../../shared/domain/profiles/user-profile';
import type { StoredScore } from '../../shared/domain/scoring-run/score-record';
import { connectLocal, output } from '../local-connection';

function scoreLines(score: StoredScore | null): string[] {
  if (!score) return ['  score              not scored yet (run `npm run rekindle -- score`)'];
  const money = (value: number | null) => (value === null ? '—' : value.toFixed(2));
  return [
    `  tier               ${score.tier} (since ${score.tierSince}; scored ${score.scoredOn})`,
    `  RFM                R${score.recency} F${score.frequency} M${score.monetary} · ${score.segment}`,
    `  quadrant           ${score.quadrant}${score.highValue ? ' · high value' : ''}`,
    `  P(alive)           ${score.probabilityAlive === null ? '— (no purchases)' : score.probabilityAlive.toFixed(2)}`,
    `  CLV                ${money(score.clv)}${score.clvDecile ? ` (decile ${score.clvDecile})` : ''} · expected purchases ${score.expectedPurchases}`,
    `  churn risk         ${score.churnRisk.toFixed(2)}`,
  ];
}

const mask = (value: string | undefined) => (value ? `${value.slice(0, 2)}…${value.slice(-4)}` : '—');

/** `rekindle users show ID`. */
export function registerUserCommands(program: Command): void {
  const users = program.command('users').description('user profiles and their activity');
  users
    .command('show')
    .description('show a profile and its activity summary (from the daily aggregates)')
    .argument('<userId>')
    .option('--data-dir <dir>', 'data folder of the running system', DEFAULT_DATA_DIR)
    .option('--json', 'machine-readable output')
    .action(async (userId: string, options: { dataDir: string; json?: boolean }) => {
      const answer = await connectLocal(options.dataDir).request('GET', `/v1/users/${encodeURIComponent(userId)}`, { auth: 'marketer' });
      if (answer.status === 404) throw new Error(`no user ${userId}`);
      if (answer.status !== 200) throw new Error(`GET /v1/users/${userId} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      const body = answer.body as { profile: UserProfile | null; activity: ActivitySummary; score: StoredScore | null };
      output(Boolean(options.json), body, () => {
        const p = body.profile;
        const a = body.activity;
        const features =
          Object.entries(a.featureUsesLast30)
            .map(([f, n]) => `${f} ${n}`)
            .join(', ') || '—';
        return [
          `user ${userId}`,
          p
            ? `  locale ${p.locale} · time zone ${p.timeZone} · consents ${
                Object.entries(p.consents)
                  .filter(([, v]) => v)
                  .map(([k]) => k)
                  .join(', ') || 'none'
              }`
            : '  (no profile yet)',
          p ? `  email ${mask(p.email)} · phone ${mask(p.phone)}` : '',
          `  last seen          ${a.lastSeenAt ?? 'never'}${a.daysSinceLastSeen !== null ? ` (${a.daysSinceLastSeen} days ago)` : ''}`,
          `  last purchase      ${a.lastPurchaseAt ?? 'never'}`,
          `  active days        ${a.activeDaysLast7} of last 7 · ${a.activeDaysLast30} of last 30`,
          `  sessions (30 d)    ${a.sessionsLast30}`,
          `  features (30 d)    ${features}`,
          `  purchases          ${a.purchasesTotal} totalling ${a.purchaseAmountTotal.toFixed(2)} (refunded ${a.refundAmountTotal.toFixed(2)})`,
          `  days with data     ${a.daysWithData}`,
          ...scoreLines(body.score),
        ]
          .filter(Boolean)
          .join('\n');
      });
    });
}
