/**
 * The slice of the Amazon States Language the local runtime reads and rewrites. Definitions come
 * from the synthesized template, so they are plain JSON: states are kept as open records and only
 * the fields the rewrite needs are named.
 */

export type JsonPrimitive = null | boolean | number | string;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** One state of a definition: `Type` plus whatever fields that type carries. */
export type AslState = JsonObject & { Type: string };

/** A state machine, or the nested machine of a Map's ItemProcessor / Iterator or a Parallel branch. */
export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
  QueryLanguage?: string;
  TimeoutSeconds?: number;
  Comment?: string;
  [field: string]: JsonValue | Record<string, AslState> | undefined;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isAslDefinition(value: unknown): value is AslDefinition {
  return isJsonObject(value) && typeof value.StartAt === 'string' && isJsonObject(value.States);
}

/** The machines nested in a Map or Parallel state, in definition order. */
export function nestedDefinitionsOf(state: AslState): AslDefinition[] {
  const nested: unknown[] = [];
  if (state.Type === 'Map') nested.push(state.ItemProcessor ?? state.Iterator);
  if (state.Type === 'Parallel' && Array.isArray(state.Branches)) nested.push(...state.Branches);
  return nested.filter(isAslDefinition);
}

/** Parses a definition given as text or as an object; throws on anything that is not ASL-shaped. */
export function parseDefinition(definition: string | object): AslDefinition {
  const parsed: unknown = typeof definition === 'string' ? JSON.parse(definition) : structuredClone(definition);
  if (!isAslDefinition(parsed)) {
    throw new TypeError('a state machine definition needs StartAt (a string) and States (an object)');
  }
  for (const [name, state] of Object.entries(parsed.States)) {
    if (!isJsonObject(state) || typeof state.Type !== 'string') {
      throw new TypeError(`state "${name}" has no Type`);
    }
  }
  return parsed;
}

/** Visits every state, nested machines included; `path` names where it sits, for error messages. */
export function forEachState(
  definition: AslDefinition,
  visit: (name: string, state: AslState, path: string[], owner: AslDefinition) => void,
  path: string[] = [],
): void {
  for (const [name, state] of Object.entries(definition.States)) {
    visit(name, state, [...path, name], definition);
    nestedDefinitionsOf(state).forEach((nested, index) =>
      forEachState(nested, visit, [...path, name, state.Type === 'Parallel' ? `Branches[${index}]` : 'ItemProcessor']),
    );
  }
}
