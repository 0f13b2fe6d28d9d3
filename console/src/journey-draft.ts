import { signal } from '@preact/signals';
import type { DEFAULT_JOURNEY_INPUTS, DEFAULT_LIFECYCLE_INPUTS } from '../../shared/domain/journeys/default-journeys';

/**
 * The shipped defaults as data, written into the bundle by console/build.ts from
 * shared/domain/journeys/default-journeys.ts (importing that module would bundle the server's
 * validation with it): the same journeys `defaultTier` and `defaultLifecycle` launch.
 */
declare const __REKINDLE_JOURNEY_DEFAULTS__: { recall: typeof DEFAULT_JOURNEY_INPUTS; lifecycle: typeof DEFAULT_LIFECYCLE_INPUTS };
const DEFAULTS = __REKINDLE_JOURNEY_DEFAULTS__;

/** A JSON value as the editor holds it: the definition being written, before the API validates it. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
export type Path = Array<string | number>;

/** Where a new journey starts: a shipped default (recall per tier, lifecycle), or a blank recall or lifecycle journey. */
export const STARTS = ['R1', 'R2', 'R3', 'R4', 'R5', 'welcome', 'second-purchase', 'blank-recall', 'blank-lifecycle'] as const;
export type Start = (typeof STARTS)[number];

const stamp = () => new Date().toISOString().slice(5, 16).replace(/[-:T]/g, '');

const clone = (value: unknown): JsonObject => JSON.parse(JSON.stringify(value)) as JsonObject;

/** The definition a start gives, with a fresh id (ids are new per launch; 32 characters at most). */
export function startingDefinition(start: Start): JsonObject {
  const id = (prefix: string) => `${prefix}-${stamp()}`;
  switch (start) {
    case 'R1':
    case 'R2':
    case 'R3':
    case 'R4':
    case 'R5':
      return { ...clone(DEFAULTS.recall[start]), id: id(`recall-${start.toLowerCase()}`) };
    case 'welcome':
    case 'second-purchase':
      return { ...clone(DEFAULTS.lifecycle[start]), id: id(start) };
    case 'blank-recall':
      return {
        id: id('journey'),
        name: 'New recall journey',
        tier: 'R3',
        steps: [{ kind: 'send', channels: ['email'], templateId: 'recall-r3' }],
        maxDurationDays: 14,
      };
    case 'blank-lifecycle':
      return {
        id: id('lifecycle'),
        name: 'New lifecycle journey',
        entry: { kind: 'event', event: { type: 'session' }, first: true, delayDays: 0 },
        steps: [{ kind: 'send', channels: ['email'], templateId: 'lifecycle-welcome' }],
        exitWhen: { kind: 'event', event: { type: 'purchase' } },
        maxDurationDays: 14,
      };
  }
}

/** The journey being written, kept across pages (like the audience being built). */
export const journeyDraft = signal<JsonObject>(startingDefinition('R3'));
export const journeyStart = signal<Start>('R3');

export function getAt(root: Json, path: Path): Json | undefined {
  let value: Json | undefined = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, Json>)[key];
  }
  return value;
}

/** A copy of `root` with `value` at `path` (undefined removes the key; missing objects are created). */
export function setAt(root: Json, path: Path, value: Json | undefined): Json {
  if (path.length === 0) return value ?? null;
  const [key, ...rest] = path;
  if (typeof key === 'number') {
    const list = Array.isArray(root) ? [...root] : [];
    if (value === undefined && rest.length === 0) list.splice(key, 1);
    else list[key] = setAt(list[key] ?? (typeof rest[0] === 'number' ? [] : {}), rest, value);
    return list;
  }
  const object: JsonObject = root !== null && typeof root === 'object' && !Array.isArray(root) ? { ...root } : {};
  if (value === undefined && rest.length === 0) delete object[key!];
  else object[key!] = setAt(object[key!] ?? (typeof rest[0] === 'number' ? [] : {}), rest, value);
  return object;
}

export function updateDraft(path: Path, value: Json | undefined): void {
  journeyDraft.value = setAt(journeyDraft.value, path, value) as JsonObject;
}

/** `['steps', 2, 'channels']` → `steps[2].channels`, as the API names a field. */
export function pathText(path: Path): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text === '' ? key : `${text}.${key}`), '');
}

/** A typed number as the API is sent it: blank leaves the field out, a number is a number, anything else goes as typed (the API names it). */
export function numberOrText(text: string): Json | undefined {
  if (text.trim() === '') return undefined;
  return Number.isFinite(Number(text)) ? Number(text) : text;
}
