import { useSignal } from '@preact/signals';
import type { ComponentChildren } from 'preact';
import { api, ApiError } from '../api';
import { audienceDraft, CHANNELS, filterOf, TIERS } from '../audience-draft';
import { ConfirmDialog, RequestError, Section } from '../components';
import { html } from '../html';
import { fmt, t, type MessageKey } from '../i18n/i18n';
import type { PreviewAnswer } from '../journey-types';
import { askPreview } from '../preview';
import {
  getAt,
  journeyDraft,
  journeyStart,
  numberOrText,
  pathText,
  startingDefinition,
  STARTS,
  updateDraft,
  type Json,
  type JsonObject,
  type Path,
  type Start,
} from '../journey-draft';

/** What every field of the editor shares: the API's last refusal and the fields shown (the rest is listed above the button). */
interface EditorContext {
  error: ApiError | null;
  shown: Set<string>;
}

const idOf = (path: Path) => `ed-${pathText(path).replace(/[^A-Za-z0-9]+/g, '-')}`;

/** The API's words about exactly this field (`definition.` + its path), next to it. */
function Problems(props: { ctx: EditorContext; path: Path }) {
  const name = `definition.${pathText(props.path)}`;
  props.ctx.shown.add(name);
  const problems = props.ctx.error?.problems.filter((problem) => problem.path === name) ?? [];
  return html`<span id=${`${idOf(props.path)}-error`} class="field-error" role=${problems.length > 0 ? 'alert' : undefined}
    >${problems.map((problem) => problem.message).join('; ')}</span
  >`;
}

const invalid = (ctx: EditorContext, path: Path) =>
  ctx.error?.problems.some((problem) => problem.path === `definition.${pathText(path)}`) ? 'true' : undefined;

function TextField(props: { ctx: EditorContext; path: Path; label: string; wide?: boolean }) {
  const value = getAt(journeyDraft.value, props.path);
  const id = idOf(props.path);
  return html`<div class=${props.wide ? 'field wide-field' : 'field'}>
    <label for=${id}>${props.label}</label>
    <input
      id=${id}
      value=${value === undefined || value === null ? '' : String(value)}
      aria-invalid=${invalid(props.ctx, props.path)}
      aria-describedby=${`${id}-error`}
      onInput=${(event: Event) => updateDraft(props.path, (event.target as HTMLInputElement).value)}
    />
    <${Problems} ctx=${props.ctx} path=${props.path} />
  </div>`;
}

function NumberField(props: { ctx: EditorContext; path: Path; label: string; placeholder?: string }) {
  const value = getAt(journeyDraft.value, props.path);
  const id = idOf(props.path);
  return html`<div class="field">
    <label for=${id}>${props.label}</label>
    <input
      id=${id}
      type="text"
      inputmode="decimal"
      class="short"
      placeholder=${props.placeholder}
      value=${value === undefined || value === null ? '' : String(value)}
      aria-invalid=${invalid(props.ctx, props.path)}
      aria-describedby=${`${id}-error`}
      onInput=${(event: Event) => updateDraft(props.path, numberOrText((event.target as HTMLInputElement).value))}
    />
    <${Problems} ctx=${props.ctx} path=${props.path} />
  </div>`;
}

function SelectField(props: {
  ctx: EditorContext;
  path: Path;
  label: string;
  options: Array<[string, string]>;
  onSelect?: (value: string) => void;
  /** What the API takes when the field is left out (the definition's own default). */
  fallback?: string;
}) {
  const value = getAt(journeyDraft.value, props.path) ?? props.fallback;
  const id = idOf(props.path);
  return html`<div class="field">
    <label for=${id}>${props.label}</label>
    <select
      id=${id}
      value=${value === undefined ? '' : String(value)}
      aria-describedby=${`${id}-error`}
      onChange=${(event: Event) => {
        const chosen = (event.target as HTMLSelectElement).value;
        if (props.onSelect) props.onSelect(chosen);
        else updateDraft(props.path, chosen);
      }}
    >
      ${props.options.map(([option, label]) => html`<option value=${option}>${label}</option>`)}
    </select>
    <${Problems} ctx=${props.ctx} path=${props.path} />
  </div>`;
}

function CheckField(props: { ctx: EditorContext; path: Path; label: string }) {
  return html`<div class="field">
    <label class="check"
      ><input
        type="checkbox"
        checked=${getAt(journeyDraft.value, props.path) === true}
        onChange=${(event: Event) => updateDraft(props.path, (event.target as HTMLInputElement).checked)}
      />
      ${props.label}</label
    >
    <${Problems} ctx=${props.ctx} path=${props.path} />
  </div>`;
}

/** A set of checkboxes over a list of strings (channels, come-back signals). */
function ListField(props: { ctx: EditorContext; path: Path; legend: string; values: readonly string[]; fallback?: string[] }) {
  const current = getAt(journeyDraft.value, props.path) ?? props.fallback;
  const selected = Array.isArray(current) ? (current as string[]) : [];
  const id = idOf(props.path);
  return html`<fieldset class="field" aria-describedby=${`${id}-error`}>
    <legend>${props.legend}</legend>
    <div class="checks">
      ${props.values.map(
        (value) =>
          html`<label class="check"
            ><input
              type="checkbox"
              checked=${selected.includes(value)}
              onChange=${(event: Event) =>
                updateDraft(props.path, (event.target as HTMLInputElement).checked ? [...selected, value] : selected.filter((item) => item !== value))}
            />
            ${value}</label
          >`,
      )}
    </div>
    <${Problems} ctx=${props.ctx} path=${props.path} />
  </fieldset>`;
}

function Group(props: { legend: string; children: ComponentChildren; ctx: EditorContext; path: Path }) {
  return html`<fieldset class="group">
    <legend>${props.legend}</legend>
    <div class="fields">${props.children}</div>
    <${Problems} ctx=${props.ctx} path=${props.path} />
  </fieldset>`;
}

/** The refusal's problems no field above shows; rendered after the fields, so it knows which they showed. */
function Leftover(props: { error: ApiError | Error | null; ctx: EditorContext }) {
  return html`<${RequestError} error=${props.error} shownPaths=${[...props.ctx.shown]} />`;
}

const EVENT_TYPES: Array<[string, string]> = [
  ['session', 'session'],
  ['purchase', 'purchase'],
  ['feature_use', 'feature_use'],
];

/** An event of a type, narrowed by a feature (feature_use) or a minimum amount (purchase). */
function EventFields(props: { ctx: EditorContext; path: Path }) {
  const type = getAt(journeyDraft.value, [...props.path, 'type']);
  return html`<${SelectField}
      ctx=${props.ctx}
      path=${[...props.path, 'type']}
      label=${t('editor.event.type')}
      options=${EVENT_TYPES}
      onSelect=${(value: string) => updateDraft(props.path, { type: value })}
    />
    ${type === 'feature_use' ? html`<${TextField} ctx=${props.ctx} path=${[...props.path, 'feature']} label=${t('editor.event.feature')} />` : null}
    ${type === 'purchase' ? html`<${NumberField} ctx=${props.ctx} path=${[...props.path, 'minAmount']} label=${t('editor.event.minAmount')} />` : null}`;
}

function OfferFields(props: { ctx: EditorContext; path: Path }) {
  const offer = getAt(journeyDraft.value, props.path) as JsonObject | undefined;
  const kind = offer?.kind === 'coupon' ? 'coupon' : 'none';
  return html`<${SelectField}
      ctx=${props.ctx}
      path=${[...props.path, 'kind']}
      label=${t('editor.offer')}
      fallback="none"
      options=${[
        ['none', t('editor.offer.none')],
        ['coupon', t('editor.offer.coupon')],
      ]}
      onSelect=${(value: string) => updateDraft(props.path, value === 'coupon' ? { kind: 'coupon', value: 10, unit: 'percent' } : undefined)}
    />
    ${
      kind === 'coupon'
        ? html`<${NumberField} ctx=${props.ctx} path=${[...props.path, 'value']} label=${t('editor.offer.value')} />
            <${SelectField}
              ctx=${props.ctx}
              path=${[...props.path, 'unit']}
              label=${t('editor.offer.unit')}
              options=${[
                ['percent', '%'],
                ['currency', t('editor.offer.currency')],
              ]}
            />`
        : null
    }`;
}

function Variants(props: { ctx: EditorContext; path: Path }) {
  const list = (getAt(journeyDraft.value, props.path) as JsonObject[] | undefined) ?? [];
  const add = () => updateDraft(props.path, [...list, { id: list.length === 0 ? 'a' : String.fromCharCode(97 + list.length), weight: 1 }]);
  return html`<div class="variants">
    ${
      list.length === 0
        ? html`<button
            type="button"
            class="secondary small"
            onClick=${() =>
              updateDraft(props.path, [
                { id: 'a', weight: 1 },
                { id: 'b', weight: 1 },
              ])}
          >
            ${t('editor.variants.add')}
          </button>`
        : html`<fieldset class="group">
            <legend>${t('editor.variants')}</legend>
            ${list.map(
              (_, index) =>
                html`<div class="fields variant">
                  <${TextField} ctx=${props.ctx} path=${[...props.path, index, 'id']} label=${t('editor.variant.id')} />
                  <${NumberField} ctx=${props.ctx} path=${[...props.path, index, 'weight']} label=${t('editor.variant.weight')} />
                  <${TextField} ctx=${props.ctx} path=${[...props.path, index, 'templateId']} label=${t('editor.variant.template')} />
                  <${NumberField} ctx=${props.ctx} path=${[...props.path, index, 'waitDays']} label=${t('editor.variant.waitDays')} />
                  <${OfferFields} ctx=${props.ctx} path=${[...props.path, index, 'offer']} />
                  <button type="button" class="secondary small" onClick=${() => updateDraft([...props.path, index], undefined)}>
                    ${t('editor.remove')}<span class="visually-hidden"> ${t('editor.variant.id')} ${index + 1}</span>
                  </button>
                </div>`,
            )}
            <div class="row-actions">
              <button type="button" class="secondary small" onClick=${add}>${t('editor.variants.more')}</button>
              <button type="button" class="secondary small" onClick=${() => updateDraft(props.path, undefined)}>${t('editor.variants.none')}</button>
            </div>
            <${Problems} ctx=${props.ctx} path=${props.path} />
          </fieldset>`
    }
  </div>`;
}

const CONDITION_KINDS = ['score-equals', 'score-at-least', 'score-below', 'event-since-entry'] as const;

function ConditionFields(props: { ctx: EditorContext; path: Path }) {
  const kind = getAt(journeyDraft.value, [...props.path, 'kind']);
  const reset = (value: string) =>
    updateDraft(
      props.path,
      value === 'score-equals'
        ? { kind: value, attribute: 'tier', value: 'R3' }
        : value === 'event-since-entry'
          ? { kind: value, event: { type: 'feature_use' } }
          : { kind: value, attribute: 'clv', value: 100 },
    );
  return html`<${SelectField}
      ctx=${props.ctx}
      path=${[...props.path, 'kind']}
      label=${t('editor.branch.if')}
      options=${CONDITION_KINDS.map((value) => [value, t(`editor.condition.${value}` as MessageKey)])}
      onSelect=${reset}
    />
    ${
      kind === 'score-equals'
        ? html`<${SelectField}
              ctx=${props.ctx}
              path=${[...props.path, 'attribute']}
              label=${t('editor.condition.attribute')}
              options=${['tier', 'segment', 'quadrant'].map((value) => [value, value])}
            />
            <${TextField} ctx=${props.ctx} path=${[...props.path, 'value']} label=${t('editor.condition.value')} />`
        : kind === 'event-since-entry'
          ? html`<${EventFields} ctx=${props.ctx} path=${[...props.path, 'event']} />`
          : html`<${SelectField}
                ctx=${props.ctx}
                path=${[...props.path, 'attribute']}
                label=${t('editor.condition.attribute')}
                options=${['clv', 'churnRisk'].map((value) => [value, value])}
              />
              <${NumberField} ctx=${props.ctx} path=${[...props.path, 'value']} label=${t('editor.condition.value')} />`
    }`;
}

const newStep = (kind: string): JsonObject =>
  kind === 'wait'
    ? { kind: 'wait', days: 3 }
    : kind === 'branch'
      ? {
          kind: 'branch',
          if: { kind: 'event-since-entry', event: { type: 'feature_use' } },
          then: [{ kind: 'send', channels: ['push'], templateId: 'recall-r1' }],
          else: [{ kind: 'send', channels: ['email'], templateId: 'recall-r1' }],
        }
      : { kind: 'send', channels: ['email'], templateId: 'recall-r1' };

function StepFields(props: { ctx: EditorContext; path: Path; step: JsonObject; depth: number }) {
  const { ctx, path, step } = props;
  switch (step.kind) {
    case 'wait':
      return html`<${NumberField} ctx=${ctx} path=${[...path, 'days']} label=${t('editor.wait.days')} />`;
    case 'branch':
      return html`<div class="fields"><${ConditionFields} ctx=${ctx} path=${[...path, 'if']} /></div>
        <div class="branch-sides">
          <${StepList} ctx=${ctx} path=${[...path, 'then']} legend=${t('editor.branch.then')} depth=${props.depth + 1} />
          <${StepList} ctx=${ctx} path=${[...path, 'else']} legend=${t('editor.branch.else')} depth=${props.depth + 1} />
        </div>`;
    default:
      return html`<div class="fields">
          <${ListField} ctx=${ctx} path=${[...path, 'channels']} legend=${t('editor.send.channels')} values=${CHANNELS} />
          <${TextField} ctx=${ctx} path=${[...path, 'templateId']} label=${t('editor.send.template')} />
          <${OfferFields} ctx=${ctx} path=${[...path, 'offer']} />
        </div>
        <${Variants} ctx=${ctx} path=${[...path, 'variants']} />`;
  }
}

/** A list of steps (the journey's, or one side of a branch): each editable, movable and removable; new steps at the end. */
function StepList(props: { ctx: EditorContext; path: Path; legend: string; depth: number }) {
  const steps = (getAt(journeyDraft.value, props.path) as JsonObject[] | undefined) ?? [];
  const move = (from: number, to: number) => {
    const next = [...steps];
    const [moved] = next.splice(from, 1);
    next.splice(to, 0, moved!);
    updateDraft(props.path, next);
  };
  const where = pathText(props.path);
  return html`<fieldset class="group steps-list">
    <legend>${props.legend}</legend>
    <${Problems} ctx=${props.ctx} path=${props.path} />
    <ol class="edit-steps">
      ${steps.map((step, index) => {
        const name = t('editor.step', { n: index + 1, where });
        return html`<li class="edit-step" data-step=${pathText([...props.path, index])}>
          <div class="step-head">
            <strong>${index + 1}. ${t(`editor.kind.${String(step.kind)}` as MessageKey)}</strong>
            <div class="controls">
              <button
                type="button"
                class="secondary small"
                disabled=${index === 0}
                onClick=${() => move(index, index - 1)}
                aria-label=${t('editor.up', { step: name })}
              >
                ↑
              </button>
              <button
                type="button"
                class="secondary small"
                disabled=${index === steps.length - 1}
                onClick=${() => move(index, index + 1)}
                aria-label=${t('editor.down', { step: name })}
              >
                ↓
              </button>
              <button
                type="button"
                class="secondary small"
                onClick=${() => updateDraft([...props.path, index], undefined)}
                aria-label=${t('editor.removeStep', { step: name })}
              >
                ${t('editor.remove')}
              </button>
            </div>
          </div>
          <${Problems} ctx=${props.ctx} path=${[...props.path, index]} />
          <${StepFields} ctx=${props.ctx} path=${[...props.path, index]} step=${step} depth=${props.depth} />
        </li>`;
      })}
    </ol>
    <div class="row-actions">
      ${(['send', 'wait', ...(props.depth < 2 ? ['branch'] : [])] as const).map(
        (kind) =>
          html`<button type="button" class="secondary small" onClick=${() => updateDraft(props.path, [...steps, newStep(kind)])}>
            ${t(`editor.add.${kind}` as MessageKey)}<span class="visually-hidden"> (${props.legend})</span>
          </button>`,
      )}
    </div>
  </fieldset>`;
}

function EntryFields(props: { ctx: EditorContext; audienceFrom: { value: 'tier' | 'builder' } }) {
  const { ctx } = props;
  const entry = getAt(journeyDraft.value, ['entry']) as JsonObject | undefined;
  const byEvent = entry?.kind === 'event';
  const tier = String(getAt(journeyDraft.value, ['tier']) ?? 'R3');
  return html`<${Group} legend=${t('editor.entry')} ctx=${ctx} path=${['entry']}>
    <${SelectField}
      ctx=${ctx}
      path=${['entry', 'kind']}
      label=${t('editor.entry.kind')}
      fallback="audience"
      options=${[
        ['audience', t('editor.entry.audience')],
        ['event', t('editor.entry.event')],
      ]}
      onSelect=${(value: string) => {
        if (value === 'event') {
          updateDraft(['entry'], { kind: 'event', event: { type: 'session' }, first: true, delayDays: 0 });
          updateDraft(['tier'], undefined);
          updateDraft(['automatic'], undefined);
        } else {
          updateDraft(['entry'], undefined);
          updateDraft(['tier'], 'R3');
        }
      }}
    />
    ${
      byEvent
        ? html`<${EventFields} ctx=${ctx} path=${['entry', 'event']} />
            <${CheckField} ctx=${ctx} path=${['entry', 'first']} label=${t('editor.entry.first')} />
            <${NumberField} ctx=${ctx} path=${['entry', 'delayDays']} label=${t('editor.entry.delay')} />`
        : html`<${SelectField}
              ctx=${ctx}
              path=${['tier']}
              label=${t('editor.tier')}
              options=${TIERS.map((value) => [value, t(`tier.${value}` as MessageKey)])}
            />
            <fieldset class="field">
              <legend>${t('journeys.create.audience')}</legend>
              <label class="check"
                ><input
                  type="radio"
                  name="audience-from"
                  checked=${props.audienceFrom.value === 'tier'}
                  onChange=${() => (props.audienceFrom.value = 'tier')}
                />
                ${t('journeys.create.audience.tier', { tier })}</label
              >
              <label class="check"
                ><input
                  type="radio"
                  name="audience-from"
                  checked=${props.audienceFrom.value === 'builder'}
                  onChange=${() => (props.audienceFrom.value = 'builder')}
                />
                ${t('journeys.create.audience.builder')}</label
              >
            </fieldset>
            <${CheckField} ctx=${ctx} path=${['automatic']} label=${t('journeys.create.automatic')} />`
    }
  <//>`;
}

function ExitAndReentry(props: { ctx: EditorContext }) {
  const { ctx } = props;
  const exit = getAt(journeyDraft.value, ['exitWhen']) as JsonObject | undefined;
  const reentry = getAt(journeyDraft.value, ['reentry']) as JsonObject | undefined;
  const escalation = getAt(journeyDraft.value, ['escalation']) as JsonObject | undefined;
  return html`<${Group} legend=${t('editor.exit')} ctx=${ctx} path=${['exitWhen']}>
      <${SelectField}
        ctx=${ctx}
        path=${['exitWhen', 'kind']}
        label=${t('editor.exit.kind')}
        fallback="came-back"
        options=${[
          ['came-back', t('editor.exit.cameBack')],
          ['event', t('editor.exit.event')],
        ]}
        onSelect=${(value: string) => updateDraft(['exitWhen'], value === 'event' ? { kind: 'event', event: { type: 'purchase' } } : undefined)}
      />
      ${
        exit?.kind === 'event'
          ? html`<${EventFields} ctx=${ctx} path=${['exitWhen', 'event']} />`
          : html`<${ListField}
              ctx=${ctx}
              path=${['exitWhen', 'signals']}
              legend=${t('editor.exit.signals')}
              values=${['session', 'purchase']}
              fallback=${['session', 'purchase']}
            />`
      }
    <//>
    <${Group} legend=${t('editor.reentry')} ctx=${ctx} path=${['reentry']}>
      <${SelectField}
        ctx=${ctx}
        path=${['reentry', 'kind']}
        label=${t('editor.reentry.kind')}
        fallback="never"
        options=${['never', 'after-cooldown', 'at-most'].map((value) => [value, t(`editor.reentry.${value}` as MessageKey)])}
        onSelect=${(value: string) =>
          updateDraft(['reentry'], value === 'after-cooldown' ? { kind: value, days: 30 } : value === 'at-most' ? { kind: value, times: 2 } : undefined)}
      />
      ${
        reentry?.kind === 'after-cooldown'
          ? html`<${NumberField} ctx=${ctx} path=${['reentry', 'days']} label=${t('editor.reentry.days')} />
              <${NumberField} ctx=${ctx} path=${['reentry', 'maxEntries']} label=${t('editor.reentry.maxEntries')} />`
          : reentry?.kind === 'at-most'
            ? html`<${NumberField} ctx=${ctx} path=${['reentry', 'times']} label=${t('editor.reentry.times')} />`
            : null
      }
    <//>
    <${Group} legend=${t('editor.limits')} ctx=${ctx} path=${['escalation']}>
      <${NumberField} ctx=${ctx} path=${['maxDurationDays']} label=${t('editor.maxDuration')} />
      <${NumberField} ctx=${ctx} path=${['holdoutShare']} label=${t('editor.holdout')} placeholder="0.1" />
      <${SelectField}
        ctx=${ctx}
        path=${['escalation', 'kind']}
        label=${t('editor.escalation')}
        fallback="none"
        options=${['none', 'sunset', 'hand-over'].map((value) => [value, t(`editor.escalation.${value}` as MessageKey)])}
        onSelect=${(value: string) => updateDraft(['escalation'], value === 'hand-over' ? { kind: value, toTier: 'R5' } : value === 'sunset' ? { kind: value } : undefined)}
      />
      ${
        escalation?.kind === 'hand-over'
          ? html`<${SelectField}
              ctx=${ctx}
              path=${['escalation', 'toTier']}
              label=${t('editor.escalation.toTier')}
              options=${TIERS.map((value) => [value, value])}
            />`
          : null
      }
    <//>`;
}

function RolloutFields(props: { ctx: EditorContext }) {
  const { ctx } = props;
  const rollout = getAt(journeyDraft.value, ['rollout']) as JsonObject | undefined;
  const stages = (rollout?.stages as JsonObject[] | undefined) ?? [];
  const turn = (on: boolean) =>
    updateDraft(
      ['rollout'],
      on
        ? {
            stages: [
              { share: 0.05, minHours: 24, minSample: 100 },
              { share: 0.2, minHours: 48, minSample: 500 },
              { share: 1, minHours: 0, minSample: 0 },
            ],
            guardrails: { maxUnsubscribeRate: 0.02, maxComplaintRate: 0.001, maxBounceRate: 0.05, maxPrimaryMetricDrop: 0.02 },
          }
        : undefined,
    );
  return html`<fieldset class="group">
    <legend>${t('editor.rollout')}</legend>
    <label class="check"
      ><input type="checkbox" checked=${rollout !== undefined} onChange=${(event: Event) => turn((event.target as HTMLInputElement).checked)} />
      ${t('editor.rollout.on')}</label
    >
    <${Problems} ctx=${ctx} path=${['rollout']} />
    ${
      rollout
        ? html`<${Problems} ctx=${ctx} path=${['rollout', 'stages']} />
            <ol class="edit-steps">
              ${stages.map(
                (_, index) =>
                  html`<li class="fields edit-step">
                    <strong class="stage-name">${t('rollout.stage', { n: index + 1, share: '' }).replace(/\s·\s*$/, '')}</strong>
                    <${NumberField} ctx=${ctx} path=${['rollout', 'stages', index, 'share']} label=${t('editor.stage.share')} />
                    <${NumberField} ctx=${ctx} path=${['rollout', 'stages', index, 'minHours']} label=${t('editor.stage.minHours')} />
                    <${NumberField} ctx=${ctx} path=${['rollout', 'stages', index, 'minSample']} label=${t('editor.stage.minSample')} />
                    <button type="button" class="secondary small" onClick=${() => updateDraft(['rollout', 'stages', index], undefined)}>
                      ${t('editor.remove')}<span class="visually-hidden"> ${t('rollout.stage', { n: index + 1, share: '' })}</span>
                    </button>
                  </li>`,
              )}
            </ol>
            <div class="row-actions">
              <button
                type="button"
                class="secondary small"
                onClick=${() => updateDraft(['rollout', 'stages'], [...stages, { share: 1, minHours: 0, minSample: 0 }])}
              >
                ${t('editor.stage.add')}
              </button>
            </div>
            <div class="fields">
              <${NumberField} ctx=${ctx} path=${['rollout', 'guardrails', 'maxUnsubscribeRate']} label=${t('editor.guardrail.unsubscribe')} />
              <${NumberField} ctx=${ctx} path=${['rollout', 'guardrails', 'maxComplaintRate']} label=${t('editor.guardrail.complaint')} />
              <${NumberField} ctx=${ctx} path=${['rollout', 'guardrails', 'maxBounceRate']} label=${t('editor.guardrail.bounce')} />
              <${NumberField} ctx=${ctx} path=${['rollout', 'guardrails', 'maxPrimaryMetricDrop']} label=${t('editor.guardrail.primary')} />
              <${NumberField} ctx=${ctx} path=${['rollout', 'plannedSample']} label=${t('editor.rollout.plannedSample')} />
              <${NumberField} ctx=${ctx} path=${['rollout', 'tuningSample']} label=${t('editor.rollout.tuningSample')} placeholder="5000" />
            </div>`
        : null
    }
  </fieldset>`;
}

/**
 * Creates a journey from a shipped default or from scratch: recall (audience) or lifecycle (event
 * entry), steps with waits, sends, offers, variants and branches, exit, re-entry, escalation and
 * staged rollout. The API validates it: a preview first (an audience journey), then the launch;
 * each of the API's problems is shown next to the field it names.
 */
export function JourneyEditor(props: { onLaunched: () => void }) {
  const audienceFrom = useSignal<'tier' | 'builder'>('tier');
  const preview = useSignal<PreviewAnswer | null>(null);
  const confirming = useSignal(false);
  const busy = useSignal(false);
  const error = useSignal<ApiError | Error | null>(null);
  const launched = useSignal<string | null>(null);
  const launchedLifecycle = useSignal(false);
  const definition = journeyDraft.value;
  const byEvent = (definition.entry as JsonObject | undefined)?.kind === 'event';
  const body = () => ({
    definition: journeyDraft.value,
    ...(byEvent ? {} : { audience: audienceFrom.value === 'tier' ? { tiers: [String(journeyDraft.value.tier ?? 'R3')] } : filterOf(audienceDraft.value) }),
  });
  const askToLaunch = async (event: Event) => {
    event.preventDefault();
    try {
      preview.value = await askPreview(body());
      error.value = null;
      confirming.value = true;
    } catch (failure) {
      error.value = failure as Error;
    }
  };
  const launch = async () => {
    busy.value = true;
    try {
      const answer = await api<{ journeyId: string }>('POST', '/v1/journeys', body());
      launched.value = answer.journeyId;
      launchedLifecycle.value = byEvent;
      error.value = null;
      journeyDraft.value = { ...journeyDraft.value, id: startingDefinition(journeyStart.value).id as Json };
      props.onLaunched();
    } catch (failure) {
      error.value = failure as Error;
    } finally {
      busy.value = false;
      confirming.value = false;
    }
  };
  const ctx: EditorContext = { error: error.value instanceof ApiError ? error.value : null, shown: new Set() };
  const p = preview.value;
  const id = String(definition.id ?? '');
  return html`<${Section} id="create" title=${t('journeys.create')} wide=${true}>
    <form class="editor" onSubmit=${askToLaunch} data-testid="journey-editor">
      <div class="fields">
        <div class="field">
          <label for="create-start">${t('editor.start')}</label>
          <select
            id="create-start"
            value=${journeyStart.value}
            onChange=${(event: Event) => {
              journeyStart.value = (event.target as HTMLSelectElement).value as Start;
              journeyDraft.value = startingDefinition(journeyStart.value);
              error.value = null;
            }}
          >
            ${STARTS.map((start) => html`<option value=${start}>${t(`editor.start.${start}` as MessageKey)}</option>`)}
          </select>
        </div>
        <div class="field">
          <label for="create-id">${t('journeys.create.id')}</label>
          <input
            id="create-id"
            value=${id}
            aria-invalid=${invalid(ctx, ['id'])}
            aria-describedby="ed-id-error"
            onInput=${(event: Event) => updateDraft(['id'], (event.target as HTMLInputElement).value)}
          />
          <${Problems} ctx=${ctx} path=${['id']} />
        </div>
        <${TextField} ctx=${ctx} path=${['name']} label=${t('editor.name')} wide=${true} />
      </div>
      <${EntryFields} ctx=${ctx} audienceFrom=${audienceFrom} />
      <${StepList} ctx=${ctx} path=${['steps']} legend=${t('editor.steps')} depth=${0} />
      <${ExitAndReentry} ctx=${ctx} />
      <${RolloutFields} ctx=${ctx} />
      <${Leftover} error=${error.value} ctx=${ctx} />
      <div class="actions"><button type="submit">${t('journeys.create.launch')}</button></div>
      ${
        launched.value
          ? html`<p class="ok" role="status">${t(launchedLifecycle.value ? 'journeys.launched.lifecycle' : 'journeys.launched.ok', { id: launched.value })}</p>`
          : null
      }
    </form>
    <${ConfirmDialog}
      open=${confirming.value && p !== null}
      busy=${busy.value}
      title=${t('journeys.create.launch').replace('…', '')}
      message=${
        p
          ? byEvent
            ? t('journeys.confirm.lifecycle', { id, event: String(getAt(definition, ['entry', 'event', 'type']) ?? '') })
            : t('journeys.confirm.launch', {
                id,
                treatment: fmt.integer(p.treatment),
                holdout: fmt.integer(p.holdout),
                messages: fmt.integer(p.expectedMessages.total),
                cost: fmt.usd(p.costUsd.total),
              })
          : ''
      }
      confirmLabel=${t('journeys.create.launch').replace('…', '')}
      onConfirm=${launch}
      onCancel=${() => (confirming.value = false)}
    />
  <//>`;
}
