import { computed, signal } from '@preact/signals';
import { en, type MessageKey } from './en';
import { zhCN } from './zh-CN';

export type { MessageKey };

export const CONSOLE_LOCALES = ['en', 'zh-CN'] as const;
export type ConsoleLocale = (typeof CONSOLE_LOCALES)[number];

const DICTIONARIES: Record<ConsoleLocale, Record<MessageKey, string>> = { en, 'zh-CN': zhCN };
const STORAGE_KEY = 'rekindle.console.locale';

function initialLocale(): ConsoleLocale {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'en' || stored === 'zh-CN') return stored;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

/** The console's language: switchable, remembered in this browser. */
export const locale = signal<ConsoleLocale>(initialLocale());
document.documentElement.lang = locale.value;

export function setLocale(next: ConsoleLocale): void {
  locale.value = next;
  localStorage.setItem(STORAGE_KEY, next);
  document.documentElement.lang = next;
}

/** A message in the current language; `{name}` placeholders are filled from `values`. */
export function t(key: MessageKey, values: Record<string, string | number> = {}): string {
  const template = DICTIONARIES[locale.value][key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

const formats = computed(() => {
  const tag = locale.value;
  return {
    integer: new Intl.NumberFormat(tag, { maximumFractionDigits: 0 }),
    decimal: new Intl.NumberFormat(tag, { maximumFractionDigits: 2 }),
    percent: new Intl.NumberFormat(tag, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }),
    signedPercent: new Intl.NumberFormat(tag, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' }),
    signedPercentTick: new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' }),
    usd: new Intl.NumberFormat(tag, { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 4 }),
    day: new Intl.DateTimeFormat(tag, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }),
    shortDay: new Intl.DateTimeFormat(tag, { month: 'short', day: 'numeric', timeZone: 'UTC' }),
    instant: new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short' }),
  };
});

/** Numbers, money and dates in the current language, through Intl. */
export const fmt = {
  integer: (value: number) => formats.value.integer.format(value),
  decimal: (value: number) => formats.value.decimal.format(value),
  percent: (share: number | null | undefined) => (share === null || share === undefined || !Number.isFinite(share) ? '—' : formats.value.percent.format(share)),
  /** A difference of shares, with its sign (+2.0%, −1.5%). */
  signedPercent: (share: number | null | undefined) =>
    share === null || share === undefined || !Number.isFinite(share) ? '—' : formats.value.signedPercent.format(share),
  /** An axis tick: as few digits as the value needs (+50%, −2.5%). */
  signedPercentTick: (share: number) => formats.value.signedPercentTick.format(share),
  usd: (amount: number) => formats.value.usd.format(amount),
  /** A calendar day `YYYY-MM-DD`, shown as that day whatever the browser's zone. */
  day: (day: string) => formats.value.day.format(new Date(`${day}T00:00:00Z`)),
  shortDay: (day: string) => formats.value.shortDay.format(new Date(`${day}T00:00:00Z`)),
  instant: (iso: string) => formats.value.instant.format(new Date(iso)),
};
