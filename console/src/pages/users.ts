import { useSignal } from '@preact/signals';
import type { LedgerEntry } from '../../../shared/domain/loyalty/ledger';
import { maskEmail, maskPhone, maskPushEndpoint } from '../../../shared/domain/messaging/masking';
import type { MessageLogEntry } from '../../../shared/domain/messaging/ports';
import { api } from '../api';
import { DataTable, LoadState, Metric, Section, useLoad, type Column } from '../components';
import { html } from '../html';
import { fmt, locale, t } from '../i18n/i18n';
import { hrefOf } from '../router';

interface UserAnswer {
  profile: {
    userId: string;
    email?: string;
    phone?: string;
    pushToken?: string;
    timeZone?: string;
    locale?: string;
    consents?: Record<string, boolean>;
  };
  activity: {
    lastSeenAt: string | null;
    activeDaysLast7: number;
    sessionsLast30: number;
    purchasesTotal: number;
    purchaseAmountTotal: number;
  } | null;
  score: {
    tier: string;
    tierSince: string;
    scoredOn: string;
    recency: number;
    frequency: number;
    monetary: number;
    segment: string;
    quadrant: string;
    churnRisk: number;
    probabilityAlive: number;
    clv: number;
  } | null;
}

interface PointsAnswer {
  points: number;
  growth: number;
  level: string;
  levelDetail?: { names?: Record<string, string> };
  history: LedgerEntry[];
}

export function UsersPage(props: { userId: string | null }) {
  const typed = useSignal(props.userId ?? '');
  return html`<div class="page">
    <h1>${t('users.title')}</h1>
    <form
      class="inline"
      role="search"
      onSubmit=${(event: Event) => {
        event.preventDefault();
        if (typed.value.trim()) location.hash = hrefOf(`users/${encodeURIComponent(typed.value.trim())}`);
      }}
    >
      <label for="user-id">${t('users.lookup')}</label>
      <input id="user-id" value=${typed.value} placeholder="u-000001" onInput=${(event: Event) => (typed.value = (event.target as HTMLInputElement).value)} />
      <button type="submit">${t('users.show')}</button>
    </form>
    ${props.userId ? html`<${UserDetail} key=${props.userId} userId=${props.userId} />` : null}
  </div>`;
}

const entryDetail = (entry: LedgerEntry): string => {
  switch (entry.kind) {
    case 'grant':
      return `${entry.account} · ${entry.reason}`;
    case 'redemption':
      return `${entry.account} · ${entry.reference}`;
    case 'expiry':
      return entry.account;
    case 'adjustment':
      return `${entry.account} · ${entry.reason} · ${entry.reference}`;
  }
};
const entryAmount = (entry: LedgerEntry): number => (entry.kind === 'grant' ? entry.amount : entry.kind === 'adjustment' ? entry.delta : -entry.amount);

function messageColumns(): Array<Column<MessageLogEntry>> {
  return [
    { header: t('users.message.when'), cell: (message) => fmt.instant(message.recordedAt) },
    {
      header: t('users.message.channel'),
      cell: (message) => html`${message.channel}${message.contactPoint ? html`<div class="muted small">${message.contactPoint}</div>` : null}`,
    },
    { header: t('users.message.template'), cell: (message) => message.templateId },
    { header: t('users.message.outcome'), cell: (message) => message.outcome.kind },
    {
      header: t('users.message.reason'),
      cell: (message) => ('reason' in message.outcome ? message.outcome.reason : 'code' in message.outcome ? message.outcome.code : ''),
    },
  ];
}

function ledgerColumns(): Array<Column<LedgerEntry>> {
  return [
    { header: t('users.points.at'), cell: (entry) => fmt.instant(entry.occurredAt) },
    { header: t('users.points.entry'), cell: (entry) => `${entry.kind} · ${entryDetail(entry)}` },
    { header: t('users.points.amount'), num: true, cell: (entry) => fmt.integer(entryAmount(entry)) },
  ];
}

function UserDetail(props: { userId: string }) {
  const id = encodeURIComponent(props.userId);
  const user = useLoad(() => api<UserAnswer>('GET', `/v1/users/${id}`));
  const messages = useLoad(() => api<{ messages: MessageLogEntry[] }>('GET', `/v1/users/${id}/messages`));
  const points = useLoad(() => api<PointsAnswer>('GET', `/v1/users/${id}/points`));
  const profile = user.value?.profile;
  const activity = user.value?.activity;
  const score = user.value?.score;
  return html`<div class="grid">
    <${Section} id="profile" title=${t('users.profile')}>
      <${LoadState} loaded=${user} />
      ${
        profile
          ? html`<dl class="facts">
              <dt>${t('users.email')}</dt>
              <dd>${profile.email ? maskEmail(profile.email) : '—'}</dd>
              <dt>${t('users.phone')}</dt>
              <dd>${profile.phone ? maskPhone(profile.phone) : '—'}</dd>
              <dt>${t('users.push')}</dt>
              <dd>${profile.pushToken ? maskPushEndpoint(profile.pushToken) : '—'}</dd>
              <dt>${t('users.timeZone')}</dt>
              <dd>${profile.timeZone ?? '—'}</dd>
              <dt>${t('users.locale')}</dt>
              <dd>${profile.locale ?? '—'}</dd>
              <dt>${t('users.consents')}</dt>
              <dd>
                ${Object.entries(profile.consents ?? {})
                  .map(([channel, on]) => `${channel} ${on ? t('yes') : t('no')}`)
                  .join(' · ')}
              </dd>
              ${
                activity
                  ? html`<dt>${t('users.lastSeen')}</dt>
                      <dd>${activity.lastSeenAt ? fmt.instant(activity.lastSeenAt) : '—'}</dd>
                      <dd class="full">
                        ${t('users.activity', { days7: activity.activeDaysLast7, sessions: fmt.integer(activity.sessionsLast30), purchases: fmt.integer(activity.purchasesTotal), amount: fmt.usd(activity.purchaseAmountTotal) })}
                      </dd>`
                  : null
              }
            </dl>`
          : null
      }
    <//>
    <${Section} id="scores" title=${t('users.scores')}>
      ${user.value && !score ? html`<p class="muted">${t('users.unscored')}</p>` : null}
      ${
        score
          ? html`<div class="metrics small">
              <${Metric}
                label=${t('users.tier')}
                value=${t(`tier.${score.tier}` as 'tier.R1')}
                detail=${t('users.tierSince', { day: fmt.day(score.tierSince) })}
              />
              <${Metric}
                label=${t('users.segment')}
                value=${score.segment}
                detail=${`${t('users.rfm')} ${score.recency}/${score.frequency}/${score.monetary}`}
              />
              <${Metric} label=${t('users.quadrant')} value=${score.quadrant} />
              <${Metric} label=${t('users.churnRisk')} value=${fmt.percent(score.churnRisk)} />
              <${Metric} label=${t('users.pAlive')} value=${fmt.percent(score.probabilityAlive)} />
              <${Metric} label=${t('users.clv')} value=${fmt.usd(score.clv)} />
            </div>`
          : null
      }
    <//>
    <${Section} id="messages" title=${t('users.messages')} wide=${true}>
      <${LoadState} loaded=${messages} />
      ${messages.value && messages.value.messages.length === 0 ? html`<p class="muted">${t('users.messages.none')}</p>` : null}
      ${
        messages.value && messages.value.messages.length > 0
          ? html`<${DataTable}
              label=${t('users.messages')}
              columns=${messageColumns()}
              rows=${messages.value.messages}
              rowKey=${(message: MessageLogEntry) => `${message.recordedAt}-${message.channel}-${message.templateId}`}
            />`
          : null
      }
    <//>
    <${Section} id="points" title=${t('users.points')} wide=${true}>
      <${LoadState} loaded=${points} />
      ${
        points.value
          ? html`<p>
                ${t('users.points.balance', {
                  points: fmt.integer(points.value.points),
                  growth: fmt.integer(points.value.growth),
                  level: points.value.levelDetail?.names?.[locale.value] ?? points.value.level,
                })}
              </p>
              ${
                points.value.history.length === 0
                  ? html`<p class="muted">${t('users.points.none')}</p>`
                  : html`<${DataTable}
                      label=${t('users.points')}
                      columns=${ledgerColumns()}
                      rows=${points.value.history}
                      rowKey=${(entry: LedgerEntry) => `${entry.occurredAt}-${entry.kind}-${entryDetail(entry)}`}
                    />`
              }`
          : null
      }
    <//>
  </div>`;
}
