import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { useSignal } from '@preact/signals';
import uPlot from 'uplot';
import { ApiError } from './api';
import { html } from './html';
import { fmt, t } from './i18n/i18n';

/** A value loaded from the API, with its error in words; `reload` fetches it again. */
export interface Loaded<T> {
  value: T | null;
  error: string | null;
  reload: () => void;
}

/** Loads `load()` when the component mounts and whenever `key` changes. */
export function useLoad<T>(load: () => Promise<T>, key: unknown[] = []): Loaded<T> {
  const value = useSignal<T | null>(null);
  const error = useSignal<string | null>(null);
  const generation = useSignal(0);
  useEffect(() => {
    let current = true;
    load().then(
      (answer) => {
        if (!current) return;
        value.value = answer;
        error.value = null;
      },
      (failure: unknown) => {
        if (current) error.value = failure instanceof Error ? failure.message : String(failure);
      },
    );
    return () => {
      current = false;
    };
  }, [...key, generation.value]);
  return { value: value.value, error: error.value, reload: () => (generation.value += 1) };
}

/** A page section with its heading; its id lets the heading label it for screen readers. */
export function Section(props: { id: string; title: string; children: ComponentChildren; wide?: boolean }) {
  return html`<section class=${props.wide ? 'card wide' : 'card'} aria-labelledby=${`${props.id}-title`}>
    <h2 id=${`${props.id}-title`}>${props.title}</h2>
    ${props.children}
  </section>`;
}

export function LoadState(props: { loaded: Loaded<unknown> }) {
  if (props.loaded.error) return html`<p class="error" role="alert">${t('error.load', { message: props.loaded.error })}</p>`;
  if (props.loaded.value === null) return html`<p class="muted">${t('loading')}</p>`;
  return null;
}

export function Metric(props: { label: string; value: string; detail?: string }) {
  return html`<div class="metric">
    <div class="metric-label">${props.label}</div>
    <div class="metric-value">${props.value}</div>
    ${props.detail ? html`<div class="metric-detail">${props.detail}</div>` : null}
  </div>`;
}

/**
 * The API's words about one field, shown next to it: the problems whose path is `path` or inside
 * it. `id` is what the field's `aria-describedby` points at.
 */
export function FieldError(props: { error: ApiError | null; path: string; id: string }) {
  const problems = props.error?.problemsAt(props.path) ?? [];
  return html`<span id=${props.id} class="field-error" role=${problems.length > 0 ? 'alert' : undefined}
    >${problems.map((problem) => problem.message).join('; ')}</span
  >`;
}

/** The error of a request that names no field, or names one no control shows. */
export function RequestError(props: { error: ApiError | Error | null; shownPaths?: string[] }) {
  const error = props.error;
  if (!error) return null;
  if (error instanceof ApiError) {
    const shown = props.shownPaths ?? [];
    const rest = error.problems.filter((problem) => !shown.some((path) => problem.path === path || problem.path.startsWith(`${path}.`)));
    if (error.problems.length > 0 && rest.length === 0) return null;
    const words = rest.length > 0 ? rest.map((problem) => `${problem.path}: ${problem.message}`).join('; ') : error.message;
    return html`<p class="error" role="alert">${t('error.generic', { message: words })}</p>`;
  }
  return html`<p class="error" role="alert">${t('error.generic', { message: error.message })}</p>`;
}

/**
 * A modal confirmation that says what will happen (native <dialog>: focus is kept inside, Escape
 * cancels). `children` may hold a field the action needs, such as a reason.
 */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  message: string;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  children?: ComponentChildren;
  busy?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) dialog.showModal();
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);
  return html`<dialog
    ref=${ref}
    aria-labelledby="confirm-title"
    aria-describedby="confirm-message"
    onCancel=${(event: Event) => (event.preventDefault(), props.onCancel())}
  >
    <form
      method="dialog"
      onSubmit=${(event: Event) => {
        event.preventDefault();
        props.onConfirm();
      }}
    >
      <h2 id="confirm-title">${props.title}</h2>
      <p id="confirm-message">${props.message}</p>
      ${props.children}
      <div class="actions">
        <button type="button" class="secondary" onClick=${props.onCancel}>${t('confirm.cancel')}</button>
        <button type="submit" class="danger" disabled=${props.busy}>${props.confirmLabel}</button>
      </div>
    </form>
  </dialog>`;
}

/** Shading of a share in [0, 1] for heatmap cells, with a text colour that keeps its contrast. */
export function shade(share: number | null): { background: string; color: string } {
  if (share === null || !Number.isFinite(share)) return { background: 'transparent', color: 'inherit' };
  // Mid-blue fails contrast with both dark and white text, so the scale skips it: light cells
  // (97% to 62% lightness) carry dark text, dark cells (40% to 22%) white text.
  const clamped = Math.max(0, Math.min(1, share));
  const lightness = clamped < 0.5 ? Math.round(97 - clamped * 2 * 35) : Math.round(40 - (clamped - 0.5) * 2 * 18);
  return { background: `hsl(214 70% ${lightness}%)`, color: lightness <= 40 ? '#fff' : '#10203a' };
}

/** A bar of a share in [0, 1], for distributions and penetration (the number is beside it in text). */
export function ShareBar(props: { share: number; marker?: number; label: string }) {
  const width = `${Math.max(0, Math.min(1, props.share)) * 100}%`;
  return html`<div class="bar" role="img" aria-label=${props.label}>
    <div class="bar-fill" style=${{ width }}></div>
    ${props.marker === undefined ? null : html`<div class="bar-marker" style=${{ left: `${Math.min(1, props.marker) * 100}%` }}></div>`}
  </div>`;
}

export interface Series {
  label: string;
  values: Array<number | null>;
  color: string;
  /** `right` for shares drawn against the right-hand axis (0–100%). */
  scale?: 'count' | 'share';
  dash?: number[];
}

/** A time series by day, drawn by uPlot; the figure has a text summary for screen readers. */
export function TimeSeries(props: { days: string[]; series: Series[]; label: string; summary: string; height?: number }) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const x = props.days.map((day) => Date.parse(`${day}T00:00:00Z`) / 1000);
    const hasShare = props.series.some((series) => series.scale === 'share');
    const plot = new uPlot(
      {
        width: Math.max(280, element.clientWidth),
        height: props.height ?? 220,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        // One day alone would be stretched over years: show it in the middle of a week.
        scales: {
          x: { time: true, ...(x.length === 1 ? { range: [x[0]! - 3 * 86_400, x[0]! + 3 * 86_400] as [number, number] } : {}) },
          count: {},
          share: { range: [0, 1] },
        },
        axes: [
          {
            // Whole days only, written in the console's language (uPlot's own labels are English hours).
            incrs: [86_400, 2 * 86_400, 7 * 86_400, 14 * 86_400, 28 * 86_400],
            values: (_, ticks) => ticks.map((tick) => fmt.shortDay(new Date(tick * 1000).toISOString().slice(0, 10))),
          },
          { scale: 'count', values: (_, ticks) => ticks.map((tick) => fmt.integer(tick)) },
          ...(hasShare
            ? [{ scale: 'share', side: 1, size: 64, grid: { show: false }, values: (_: uPlot, ticks: number[]) => ticks.map((tick) => fmt.percent(tick)) }]
            : []),
        ],
        series: [
          { label: t('chart.day'), value: (_, ts) => (ts === null ? '' : fmt.day(new Date(ts * 1000).toISOString().slice(0, 10))) },
          ...props.series.map((series) => ({
            label: series.label,
            stroke: series.color,
            width: 2,
            scale: series.scale ?? 'count',
            ...(series.dash ? { dash: series.dash } : {}),
            value: (_: uPlot, value: number | null) => (value === null ? '—' : series.scale === 'share' ? fmt.percent(value) : fmt.integer(value)),
          })),
        ],
      },
      [x, ...props.series.map((series) => series.values)] as uPlot.AlignedData,
      element,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(280, element.clientWidth), height: props.height ?? 220 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [props.days.join(), JSON.stringify(props.series)]);
  return html`<figure class="chart">
    <div ref=${container} role="img" aria-label=${props.label}></div>
    <figcaption class="visually-hidden">${props.summary}</figcaption>
  </figure>`;
}

/** One column of a {@link DataTable}: its header, how a row fills the cell, and whether it holds a number. */
export interface Column<Row> {
  header: string;
  cell: (row: Row) => ComponentChildren;
  /** Right-aligned, tabular figures. */
  num?: boolean;
  /** The cell names the row (`<th scope="row">`); the first column by default. */
  rowHeader?: boolean;
  className?: string;
}

/**
 * The console's one table: a header row, a row per item, a horizontal scroll region that a
 * keyboard can focus when it is wider than the page, and, at phone widths, rows stacked as cards
 * with each cell labelled by its column (`data-label`) so nothing needs scrolling sideways.
 */
export function DataTable<Row>(props: {
  label: string;
  columns: Array<Column<Row>>;
  rows: readonly Row[];
  rowKey: (row: Row) => string;
  rowAttributes?: (row: Row) => Record<string, string>;
  testId?: string;
  /** Keep the grid at every width (heatmaps, where position is the point). */
  noStack?: boolean;
  className?: string;
}) {
  const hasRowHeader = props.columns.some((column) => column.rowHeader);
  const classes = [props.noStack ? '' : 'stackable', props.className ?? ''].filter(Boolean).join(' ');
  return html`<div class="scroll" tabindex="0" role="region" aria-label=${props.label}>
    <table class=${classes || undefined} data-testid=${props.testId}>
      <thead>
        <tr>
          ${props.columns.map((column) => html`<th scope="col" class=${column.num ? 'num' : undefined}>${column.header}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${props.rows.map(
          (row) =>
            html`<tr key=${props.rowKey(row)} ...${props.rowAttributes?.(row) ?? {}}>
              ${props.columns.map((column, index) => {
                const className = [column.num ? 'num' : '', column.className ?? ''].filter(Boolean).join(' ') || undefined;
                return (hasRowHeader ? column.rowHeader : index === 0)
                  ? html`<th scope="row" class=${className} data-label=${column.header}>${column.cell(row)}</th>`
                  : html`<td class=${className} data-label=${column.header}><span>${column.cell(row)}</span></td>`;
              })}
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** One row of a {@link LiftBands} chart: an estimate, its always-valid interval, and the fixed-horizon one when known. */
export interface LiftRow {
  label: string;
  /** Words beside the label (users, verdict). */
  detail?: string;
  estimate: number | null;
  band: { lower: number; upper: number } | null;
  fixed?: { lower: number; upper: number } | null;
}

/** The smallest round half-range that holds every bound, so a 2-point lift is not a dot on a ±100% axis. */
function liftExtent(rows: readonly LiftRow[]): number {
  const largest = Math.max(
    0,
    ...rows.flatMap((row) => [row.band?.lower, row.band?.upper, row.fixed?.lower, row.fixed?.upper, row.estimate]).map((v) => Math.abs(v ?? 0)),
  );
  return [0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1].find((extent) => largest <= extent) ?? 1;
}

/**
 * Lift against control as a dot on its interval, drawn as a band across a zero line; the
 * fixed-horizon interval, when there is one, as a thinner bar inside. Plain HTML boxes rather
 * than an SVG so labels keep their size at 390 px; every figure is also in the row's text.
 */
export function LiftBands(props: { rows: readonly LiftRow[]; legend: string; testId?: string }) {
  const extent = liftExtent(props.rows);
  const at = (value: number) => `${((Math.max(-extent, Math.min(extent, value)) + extent) / (2 * extent)) * 100}%`;
  const span = (interval: { lower: number; upper: number }) => ({
    left: at(interval.lower),
    width: `calc(${at(interval.upper)} - ${at(interval.lower)} + 2px)`,
  });
  const range = (interval: { lower: number; upper: number } | null | undefined) =>
    interval ? `[${fmt.signedPercent(interval.lower)}, ${fmt.signedPercent(interval.upper)}]` : '';
  return html`<div class="lift-bands" data-testid=${props.testId}>
    ${props.rows.map((row) => {
      const words = row.estimate === null || row.band === null ? t('report.none') : `${fmt.signedPercent(row.estimate)} ${range(row.band)}`;
      const fixed = row.fixed ? t('lift.fixed', { range: range(row.fixed) }) : '';
      return html`<div class="lift-row">
        <div class="lift-label">
          <strong>${row.label}</strong>
          <span class="num">${words}</span>
          ${fixed ? html`<span class="muted small">${fixed}</span>` : null} ${row.detail ? html`<span class="muted small">${row.detail}</span>` : null}
        </div>
        <div class="lift-track" role="img" aria-label=${`${row.label}: ${words}${fixed ? `; ${fixed}` : ''}`}>
          <div class="lift-zero" style=${{ left: at(0) }}></div>
          ${row.band ? html`<div class="lift-band" style=${span(row.band)}></div>` : null}
          ${row.fixed ? html`<div class="lift-fixed" style=${span(row.fixed)}></div>` : null}
          ${row.estimate !== null && row.band ? html`<div class="lift-dot" style=${{ left: at(row.estimate) }}></div>` : null}
        </div>
      </div>`;
    })}
    <div class="lift-axis" aria-hidden="true">
      ${[-extent, -extent / 2, 0, extent / 2, extent].map((tick) => html`<span style=${{ left: at(tick) }}>${fmt.signedPercentTick(tick)}</span>`)}
    </div>
    <p class="muted small">${props.legend}</p>
  </div>`;
}
