import { useSignal } from '@preact/signals';
import type { ProgramsReport } from '../../../shared/application/loyalty/programs-report';
import type { ProgramDefinition, ProgramFunnel } from '../../../shared/domain/loyalty';
import type { DrawResult } from '../../../shared/domain/loyalty/monthly-draw';
import { api, ApiError } from '../api';
import { DataTable, FieldError, LoadState, Metric, RequestError, Section, ShareBar, useLoad, type Column } from '../components';
import { html } from '../html';
import { fmt, locale, t } from '../i18n/i18n';

interface IncentiveRow {
  ruleId: string;
  exposed: number;
  completed: number;
  rate: number | null;
  rule: { eventType: string; count: number; window: string; rewardPoints: number };
}

export function ProgramsPage() {
  // Blank: the API's current month (by its clock, which `npm start` lets you move).
  const month = useSignal('');
  const programs = useLoad(
    () =>
      api<{ programs: ProgramDefinition[]; report: ProgramsReport }>('GET', `/v1/programs${month.value ? `?month=${encodeURIComponent(month.value)}` : ''}`),
    [month.value],
  );
  const incentives = useLoad(() => api<{ rules: IncentiveRow[] }>('GET', '/v1/incentives/report'));
  const nameOf = (programId: string) => programs.value?.programs.find((program) => program.programId === programId)?.names?.[locale.value] ?? programId;
  const r = programs.value?.report ?? null;
  return html`<div class="page">
    <h1>${t('programs.title')}</h1>
    <form class="inline" onSubmit=${(event: Event) => event.preventDefault()}>
      <label for="programs-month">${t('programs.month')}</label>
      <input
        id="programs-month"
        type="month"
        value=${month.value || (r?.month ?? '')}
        onChange=${(event: Event) => (month.value = (event.target as HTMLInputElement).value)}
      />
    </form>
    <${LoadState} loaded=${programs} />
    <div class="grid">
      ${
        r
          ? html`${r.programs.map((funnel) => html`<${Funnel} key=${funnel.programId} funnel=${funnel} name=${nameOf(funnel.programId)} />`)}
              <${Section} id="budget" title=${t('programs.budget', { month: r.month })}>
                <div class="metrics small">
                  <${Metric}
                    label=${t('programs.budget.spent')}
                    value=${fmt.decimal(r.budget.spent)}
                    detail=${t('programs.budget.of', { budget: fmt.decimal(r.budget.monthlyBudget) })}
                  />
                  <${Metric} label=${t('programs.budget.queued')} value=${fmt.integer(r.budget.queuedCoupons)} />
                  <${Metric} label=${t('programs.referrals')} value=${fmt.integer(r.referrals.signedUp)} />
                </div>
                <${ShareBar}
                  share=${r.budget.monthlyBudget > 0 ? r.budget.spent / r.budget.monthlyBudget : 0}
                  label=${t('programs.budget.used', { share: fmt.percent(r.budget.monthlyBudget > 0 ? r.budget.spent / r.budget.monthlyBudget : null) })}
                />
                <p class="muted small" data-testid="budget-used">
                  ${t('programs.budget.used', { share: fmt.percent(r.budget.monthlyBudget > 0 ? r.budget.spent / r.budget.monthlyBudget : null) })}
                </p>
              <//>`
          : null
      }
      ${r ? html`<${Draw} key=${r.month} month=${r.month} />` : null}
      <${Section} id="incentives" title=${t('programs.incentives')} wide=${true}>
        <${LoadState} loaded=${incentives} />
        ${
          incentives.value
            ? html`<${DataTable}
                label=${t('programs.incentives')}
                columns=${incentiveColumns()}
                rows=${incentives.value.rules}
                rowKey=${(row: IncentiveRow) => row.ruleId}
              />`
            : null
        }
      <//>
    </div>
  </div>`;
}

function incentiveColumns(): Array<Column<IncentiveRow>> {
  return [
    {
      header: t('programs.rule'),
      cell: (row) =>
        html`${row.ruleId}
          <div class="muted small">
            ${t('programs.rule.detail', { count: row.rule.count, event: row.rule.eventType, window: row.rule.window, points: row.rule.rewardPoints })}
          </div>`,
    },
    { header: t('programs.exposed'), num: true, cell: (row) => fmt.integer(row.exposed) },
    { header: t('programs.completed'), num: true, cell: (row) => fmt.integer(row.completed) },
    { header: t('programs.conversion'), num: true, cell: (row) => fmt.percent(row.rate) },
  ];
}

interface FunnelRow {
  step: string;
  users: number;
}

/** One program's funnel by program day: enrolled, still on an unbroken streak at day n, completed. */
function Funnel(props: { funnel: ProgramFunnel; name: string }) {
  const { funnel } = props;
  const share = (users: number) => (funnel.enrolled > 0 ? users / funnel.enrolled : null);
  const rows: FunnelRow[] = [
    { step: t('programs.funnel.enrolled'), users: funnel.enrolled },
    ...funnel.days.map((day) => ({ step: t('programs.funnel.day', { day: day.day }), users: day.onStreak })),
    { step: t('programs.funnel.completed'), users: funnel.completed },
  ];
  const columns: Array<Column<FunnelRow>> = [
    { header: t('programs.funnel.step'), cell: (row) => row.step },
    { header: t('programs.funnel.users'), num: true, cell: (row) => fmt.integer(row.users) },
    {
      header: t('programs.funnel.share'),
      className: 'bar-cell',
      cell: (row) =>
        html`<${ShareBar} share=${share(row.users) ?? 0} label=${fmt.percent(share(row.users))} /> <span class="num">${fmt.percent(share(row.users))}</span>`,
    },
  ];
  return html`<${Section} id=${`funnel-${funnel.programId}`} title=${t('programs.funnel', { program: props.name })} wide=${true}>
    <p class="muted small">${t('programs.funnel.note')}</p>
    <${DataTable}
      label=${t('programs.funnel', { program: props.name })}
      columns=${columns}
      rows=${rows}
      rowKey=${(row: FunnelRow) => row.step}
      testId=${`funnel-${funnel.programId}`}
      className="compact"
      noStack=${true}
    />
  <//>`;
}

/** A published monthly draw: its seed, commitment and entries, so anyone can reproduce it. */
function Draw(props: { month: string }) {
  const month = useSignal(props.month);
  const draw = useSignal<DrawResult | null>(null);
  const error = useSignal<Error | null>(null);
  const show = async (event: Event) => {
    event.preventDefault();
    try {
      draw.value = (await api<{ result: DrawResult }>('GET', `/v1/draws/${encodeURIComponent(month.value)}`)).result;
      error.value = null;
    } catch (failure) {
      draw.value = null;
      error.value = failure as Error;
    }
  };
  const apiError = error.value instanceof ApiError ? error.value : null;
  return html`<${Section} id="draw" title=${t('programs.draw')}>
    <form class="inline" onSubmit=${show}>
      <label for="draw-month">${t('programs.draw.month')}</label>
      <input
        id="draw-month"
        type="month"
        value=${month.value}
        aria-describedby="draw-month-error"
        onInput=${(event: Event) => (month.value = (event.target as HTMLInputElement).value)}
      />
      <button type="submit">${t('programs.draw.show')}</button>
      <${FieldError} error=${apiError} path="month" id="draw-month-error" />
    </form>
    <${RequestError} error=${error.value} shownPaths=${['month']} />
    ${
      draw.value
        ? html`<p class="break" data-testid="draw">
            ${t('programs.draw.seed', { seed: draw.value.seed, entries: fmt.integer(draw.value.entries.length), winners: draw.value.winners.join(', ') || t('none') })}
          </p>`
        : null
    }
  <//>`;
}
