import { type AslDefinition, nestedDefinitionsOf, parseDefinition } from './asl';
import { JsonataNotSupportedError } from './errors';

/** Where JSONata is switched on: `(definition)` for the top, else the state's path (`Map > Inner`). */
export interface JsonataUse {
  path: string;
}

function isJsonata(value: unknown): boolean {
  return typeof value === 'string' && value.toUpperCase() === 'JSONATA';
}

function collectJsonataUses(definition: AslDefinition, path: string[], uses: JsonataUse[]): void {
  if (isJsonata(definition.QueryLanguage)) uses.push({ path: path.length === 0 ? '(definition)' : path.join(' > ') });
  for (const [name, state] of Object.entries(definition.States)) {
    if (isJsonata(state.QueryLanguage)) uses.push({ path: [...path, name].join(' > ') });
    nestedDefinitionsOf(state).forEach((nested, index) =>
      collectJsonataUses(nested, [...path, name, state.Type === 'Parallel' ? `Branches[${index}]` : 'ItemProcessor'], uses),
    );
  }
}

/**
 * Lists every place a definition sets `QueryLanguage: "JSONata"`: at the top, on a state, or on a
 * Map's or Parallel's nested machine. The local engine would ignore it and evaluate the states as
 * JSONPath, so the runtime refuses such definitions instead.
 */
export function findJsonataStates(definition: string | object): JsonataUse[] {
  const uses: JsonataUse[] = [];
  collectJsonataUses(parseDefinition(definition), [], uses);
  return uses;
}

/** Throws {@link JsonataNotSupportedError} naming every JSONata use, or returns quietly. */
export function assertNoJsonata(definition: string | object, machineName: string): void {
  const uses = findJsonataStates(definition);
  if (uses.length === 0) return;
  throw new JsonataNotSupportedError(
    `state machine "${machineName}" uses JSONata at ${uses.map((use) => use.path).join(', ')}; ` +
      'the local engine only evaluates JSONPath and would silently ignore it. Write these states with JSONPath.',
  );
}
