import type { ContactPolicyConfig } from './contact-policy-config';
import { addLocalDays, firstInstantAtLocalTime, localDateTimeAt } from './local-time';

/** Where `now` falls against the user's quiet hours. */
export type QuietHoursCheck = { kind: 'outside'; localTime: string } | { kind: 'inside'; localTime: string; allowedFrom: Date };

function minutesOfDay(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

function formatLocal(hour: number, minute: number): string {
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

/**
 * Whether `now` is inside the quiet window `[start, end)` of the wall clock in `timeZone`, and if
 * so the first instant after it. The window may wrap midnight (21:00–09:00). The end is found as a
 * wall-clock time on the right local date and converted back with the zone's rules, so a window
 * spanning a daylight-saving change is 9 or 11 hours long, as the user lives it, not a fixed 12.
 */
export function checkQuietHours(now: Date, timeZone: string, quietHours: ContactPolicyConfig['quietHours']): QuietHoursCheck {
  const local = localDateTimeAt(now, timeZone);
  const localTime = formatLocal(local.hour, local.minute);
  if (!quietHours.enabled) return { kind: 'outside', localTime };
  const current = local.hour * 60 + local.minute;
  const start = minutesOfDay(quietHours.start);
  const end = minutesOfDay(quietHours.end);
  const wrapsMidnight = start > end;
  const inside = wrapsMidnight ? current >= start || current < end : current >= start && current < end;
  if (!inside) return { kind: 'outside', localTime };
  const endsTomorrow = wrapsMidnight && current >= start;
  const endDate = endsTomorrow ? addLocalDays(local, 1) : local;
  const allowedFrom = firstInstantAtLocalTime(endDate, Math.floor(end / 60), end % 60, timeZone, now.getTime());
  return { kind: 'inside', localTime, allowedFrom };
}
