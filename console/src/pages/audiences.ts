import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, ApiError } from '../api';
import { audienceDraft, CHANNELS, filterOf, LOCALES, QUADRANTS, SEGMENTS, TIERS, type AudienceDraft } from '../audience-draft';
import { FieldError, LoadState, Metric, RequestError, Section, shade, ShareBar, useLoad } from '../components';
import { html } from '../html';
import { fmt, t } from '../i18n/i18n';
import type { PreviewAnswer } from '../journey-types';
import { askPreview } from '../preview';
import { hrefOf } from '../router';

interface TiersAnswer {
  runId: string;
  date: string;
  users: number;
  tiers: Record<string, number>;
  segments: Record<string, number>;
  quadrants: Record<string, number>;
}

/** How long the builder waits after the last change before it asks for a preview. */
const PREVIEW_DEBOUNCE_MS = 250;

export function AudiencesPage() {
  const tiers = useLoad(() => api<TiersAnswer>('GET', '/v1/tiers'));
  return html`<div class="page">
    <h1>${t('audiences.title')}</h1>
    <${LoadState} loaded=${tiers} />
    ${tiers.value ? html`<p class="muted">${t('audiences.scoredOn', { date: fmt.day(tiers.value.date), users: fmt.integer(tiers.value.users) })}</p>` : null}
    <div class="grid">
      <${Builder} />
      ${
        tiers.value
          ? html`<${Distribution}
                id="tiers"
                title=${t('audiences.tiers')}
                counts=${tiers.value.tiers}
                total=${tiers.value.users}
                order=${['active', ...TIERS]}
              />
              <${Quadrant} counts=${tiers.value.quadrants} total=${tiers.value.users} />
              <${Distribution} id="segments" title=${t('audiences.segments')} counts=${tiers.value.segments} total=${tiers.value.users} />`
          : null
      }
    </div>
  </div>`;
}

function Distribution(props: { id: string; title: string; counts: Record<string, number>; total: number; order?: string[] }) {
  const names = props.order ?? Object.keys(props.counts).sort((a, b) => (props.counts[b] ?? 0) - (props.counts[a] ?? 0));
  return html`<${Section} id=${props.id} title=${props.title}>
    <table class="compact">
      <thead>
        <tr>
          <th scope="col"><span class="visually-hidden">${props.title}</span></th>
          <th scope="col" class="num">${t('audiences.count')}</th>
          <th scope="col">${t('audiences.share')}</th>
        </tr>
      </thead>
      <tbody>
        ${names.map((name) => {
          const count = props.counts[name] ?? 0;
          const share = props.total > 0 ? count / props.total : 0;
          const label = name === 'active' || TIERS.includes(name as never) ? t(`tier.${name}` as 'tier.R1') : name;
          return html`<tr>
            <th scope="row">${label}</th>
            <td class="num">${fmt.integer(count)}</td>
            <td class="bar-cell"><${ShareBar} share=${share} label=${fmt.percent(share)} /> <span class="num">${fmt.percent(share)}</span></td>
          </tr>`;
        })}
      </tbody>
    </table>
  <//>`;
}

/** Current value (rows) × predicted future value (columns), each cell shaded by its share. */
function Quadrant(props: { counts: Record<string, number>; total: number }) {
  const cell = (name: string) => {
    const count = props.counts[name] ?? 0;
    const share = props.total > 0 ? count / props.total : 0;
    return html`<td class="quadrant-cell" style=${shade(share)}><strong>${name}</strong><br />${fmt.integer(count)} · ${fmt.percent(share)}</td>`;
  };
  return html`<${Section} id="quadrant" title=${t('audiences.quadrants')}>
    <table class="quadrant">
      <tbody>
        <tr>
          ${cell('Cash Cow')}${cell('Star')}
        </tr>
        <tr>
          ${cell('Dog')}${cell('Question Mark')}
        </tr>
      </tbody>
    </table>
  <//>`;
}

function Checkboxes(props: {
  legend: string;
  name: keyof AudienceDraft;
  values: readonly string[];
  labelOf?: (value: string) => string;
  errorPath: string;
  error: ApiError | null;
}) {
  const selected = audienceDraft.value[props.name] as string[];
  const toggle = (value: string, on: boolean) => {
    const next = on ? [...selected, value] : selected.filter((item) => item !== value);
    audienceDraft.value = { ...audienceDraft.value, [props.name]: next };
  };
  const errorId = `builder-${props.name}-error`;
  return html`<fieldset aria-describedby=${errorId}>
    <legend>${props.legend}</legend>
    <div class="checks">
      ${props.values.map(
        (value) =>
          html`<label class="check">
            <input
              type="checkbox"
              name=${props.name}
              value=${value}
              checked=${selected.includes(value)}
              onChange=${(event: Event) => toggle(value, (event.target as HTMLInputElement).checked)}
            />
            ${props.labelOf ? props.labelOf(value) : value}
          </label>`,
      )}
    </div>
    <${FieldError} error=${props.error} path=${props.errorPath} id=${errorId} />
  </fieldset>`;
}

function Range(props: { legend: string; name: 'churnRisk' | 'daysSilent' | 'clv'; step: string; error: ApiError | null }) {
  const bounds = audienceDraft.value[props.name];
  const set = (end: 'min' | 'max', value: string) => (audienceDraft.value = { ...audienceDraft.value, [props.name]: { ...bounds, [end]: value } });
  const errorId = `builder-${props.name}-error`;
  const invalid = (props.error?.problemsAt(`audience.${props.name}`).length ?? 0) > 0;
  return html`<fieldset aria-describedby=${errorId}>
    <legend>${props.legend}</legend>
    <div class="range">
      ${(['min', 'max'] as const).map(
        (end) =>
          html`<label>
            ${t(`builder.${end}`)}
            <input
              type="number"
              inputmode="decimal"
              step=${props.step}
              name=${`${props.name}-${end}`}
              value=${bounds[end]}
              aria-invalid=${invalid ? 'true' : undefined}
              onInput=${(event: Event) => set(end, (event.target as HTMLInputElement).value)}
            />
          </label>`,
      )}
    </div>
    <${FieldError} error=${props.error} path=${`audience.${props.name}`} id=${errorId} />
  </fieldset>`;
}

function Builder() {
  const preview = useSignal<PreviewAnswer | null>(null);
  const error = useSignal<ApiError | Error | null>(null);
  const updating = useSignal(false);
  const pricedAs = useSignal('R3');
  const draft = audienceDraft.value;
  useEffect(() => {
    let current = true;
    updating.value = true;
    const timer = setTimeout(() => {
      askPreview({ defaultTier: pricedAs.value, audience: filterOf(draft) }).then(
        (answer) => {
          if (!current) return;
          preview.value = answer;
          error.value = null;
          updating.value = false;
        },
        (failure: unknown) => {
          if (!current) return;
          error.value = failure as Error;
          updating.value = false;
        },
      );
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [JSON.stringify(draft), pricedAs.value]);
  const apiError = error.value instanceof ApiError ? error.value : null;
  const shown = [
    'audience.tiers',
    'audience.segments',
    'audience.quadrants',
    'audience.locales',
    'audience.requiredConsents',
    'audience.churnRisk',
    'audience.daysSilent',
    'audience.clv',
  ];
  const p = preview.value;
  return html`<${Section} id="builder" title=${t('builder.title')} wide=${true}>
    <div class="builder">
      <form class="filters" onSubmit=${(event: Event) => event.preventDefault()}>
        <${Checkboxes}
          legend=${t('builder.tiers')}
          name="tiers"
          values=${TIERS}
          labelOf=${(tier: string) => t(`tier.${tier}` as 'tier.R1')}
          errorPath="audience.tiers"
          error=${apiError}
        />
        <${Checkboxes} legend=${t('builder.segments')} name="segments" values=${SEGMENTS} errorPath="audience.segments" error=${apiError} />
        <${Checkboxes} legend=${t('builder.quadrants')} name="quadrants" values=${QUADRANTS} errorPath="audience.quadrants" error=${apiError} />
        <${Range} legend=${t('builder.churnRisk')} name="churnRisk" step="0.05" error=${apiError} />
        <${Range} legend=${t('builder.daysSilent')} name="daysSilent" step="1" error=${apiError} />
        <${Range} legend=${t('builder.clv')} name="clv" step="10" error=${apiError} />
        <${Checkboxes} legend=${t('builder.locales')} name="locales" values=${LOCALES} errorPath="audience.locales" error=${apiError} />
        <${Checkboxes} legend=${t('builder.consents')} name="requiredConsents" values=${CHANNELS} errorPath="audience.requiredConsents" error=${apiError} />
        <label for="builder-priced">${t('builder.journey')}</label>
        <select id="builder-priced" value=${pricedAs.value} onChange=${(event: Event) => (pricedAs.value = (event.target as HTMLSelectElement).value)}>
          ${TIERS.map((tier) => html`<option value=${tier}>${t(`tier.${tier}` as 'tier.R1')}</option>`)}
        </select>
      </form>
      <div class="preview" aria-live="polite" aria-busy=${updating.value ? 'true' : 'false'} data-testid="preview">
        <h3>${t('preview.title')} ${updating.value ? html`<span class="muted small">${t('preview.updating')}</span>` : null}</h3>
        <${RequestError} error=${error.value} shownPaths=${shown} />
        ${
          p
            ? html`<div class="metrics small">
                  <${Metric} label=${t('preview.matched')} value=${fmt.integer(p.matched)} />
                  <${Metric} label=${t('preview.reachable')} value=${fmt.integer(p.reachable)} />
                  <${Metric} label=${t('preview.holdout')} value=${fmt.integer(p.holdout)} />
                  <${Metric} label=${t('preview.treatment')} value=${fmt.integer(p.treatment)} />
                  <${Metric} label=${t('preview.alreadyEnrolled')} value=${fmt.integer(p.alreadyEnrolled)} />
                  <${Metric}
                    label=${t('preview.messages')}
                    value=${fmt.integer(p.expectedMessages.total)}
                    detail=${`email ${fmt.integer(p.expectedMessages.email)} · sms ${fmt.integer(p.expectedMessages.sms)} · push ${fmt.integer(p.expectedMessages.push)}`}
                  />
                  <${Metric}
                    label=${t('preview.cost')}
                    value=${fmt.usd(p.costUsd.total)}
                    detail=${`AWS ${fmt.usd(p.costUsd.aws)} · ${fmt.usd(p.costUsd.messagingTotal)}`}
                  />
                </div>
                <p class="muted small">
                  ${p.source === 'audience-summary' ? t('preview.source.summary', { date: p.scoredOn ? fmt.day(p.scoredOn) : '—', hours: fmt.decimal(p.ageHours ?? 0) }) : t('preview.source.exact')}
                  ${p.inexactCriteria && p.inexactCriteria.length > 0 ? ` ${t('preview.inexact', { criteria: p.inexactCriteria.join(', ') })}` : ''}
                </p>
                <a class="button" href=${hrefOf('journeys')}>${t('builder.useForJourney')}</a>`
            : null
        }
      </div>
    </div>
  <//>`;
}
