/**
 * Lambda event filtering (`FilterCriteria.Filters[].Pattern`) for the local event source mappings:
 * the content-filtering syntax Lambda shares with EventBridge. A record passes a mapping when it
 * matches one of its patterns (or the mapping has none). Within a pattern every field must match;
 * a field's array lists alternatives, each an exact value (string, number, boolean, null) or an
 * operator: `prefix`, `suffix`, `equals-ignore-case`, `anything-but`, `numeric`, `exists`, and
 * `$or` between sub-patterns. An array in the record matches when one of its elements does.
 * Numeric operators compare JSON numbers only (a DynamoDB `N` is a string in the record, as in
 * AWS). An operator Lambda has and this does not (`cidr`, `wildcard`) throws when the template is
 * read, rather than matching silently.
 */
export type FilterPattern = Record<string, unknown>;

type Matcher = (value: unknown, present: boolean) => boolean;

/** Parses a mapping's patterns once, checking each operator; answers a predicate over records. */
export function compileFilters(patterns: readonly FilterPattern[]): (record: unknown) => boolean {
  const compiled = patterns.map(compilePattern);
  return (record) => compiled.length === 0 || compiled.some((matches) => matches(record));
}

/** True when `record` matches `pattern`. */
export function matchesPattern(record: unknown, pattern: FilterPattern): boolean {
  return compilePattern(pattern)(record);
}

function compilePattern(pattern: FilterPattern): (value: unknown) => boolean {
  const clauses = Object.entries(pattern).map(([field, expected]): ((value: unknown) => boolean) => {
    if (field === '$or') {
      if (!Array.isArray(expected) || expected.length < 2) throw new Error('filter pattern: $or takes an array of at least two patterns');
      const alternatives = expected.map((alternative) => compilePattern(asPattern(alternative, '$or')));
      return (value) => alternatives.some((matches) => matches(value));
    }
    if (Array.isArray(expected)) {
      const matchers = expected.map((rule) => compileRule(rule, field));
      return (value) => {
        const present = isObject(value) && field in value;
        const actual = present ? value[field] : undefined;
        if (Array.isArray(actual)) return actual.some((element) => matchers.some((matches) => matches(element, true)));
        return matchers.some((matches) => matches(actual, present));
      };
    }
    const nested = compilePattern(asPattern(expected, field));
    return (value) => {
      const actual = isObject(value) ? value[field] : undefined;
      if (Array.isArray(actual)) return actual.some((element) => nested(element));
      return nested(actual);
    };
  });
  return (value) => clauses.every((matches) => matches(value));
}

function compileRule(rule: unknown, field: string): Matcher {
  if (rule === null || typeof rule === 'string' || typeof rule === 'number' || typeof rule === 'boolean') {
    return (value, present) => present && value === rule;
  }
  if (!isObject(rule)) throw new Error(`filter pattern: unsupported rule for ${field}: ${JSON.stringify(rule)}`);
  const entries = Object.entries(rule);
  if (entries.length !== 1) throw new Error(`filter pattern: a rule for ${field} has one operator, not ${JSON.stringify(rule)}`);
  const [operator, operand] = entries[0]!;
  switch (operator) {
    case 'exists':
      if (typeof operand !== 'boolean') throw new Error(`filter pattern: exists for ${field} takes true or false`);
      // A field that holds null or an object is present; exists: true matches leaves and objects alike.
      return (_value, present) => present === operand;
    case 'prefix':
      return textRule(operand, field, operator, (text, expected, ignoreCase) => fold(text, ignoreCase).startsWith(fold(expected, ignoreCase)));
    case 'suffix':
      return textRule(operand, field, operator, (text, expected, ignoreCase) => fold(text, ignoreCase).endsWith(fold(expected, ignoreCase)));
    case 'equals-ignore-case':
      if (typeof operand !== 'string') throw new Error(`filter pattern: equals-ignore-case for ${field} takes a string`);
      return (value, present) => present && typeof value === 'string' && value.toLowerCase() === operand.toLowerCase();
    case 'anything-but': {
      const excluded = anythingBut(operand, field);
      return (value, present) => present && !excluded(value);
    }
    case 'numeric':
      return numericRule(operand, field);
    default:
      throw new Error(`filter pattern: operator ${operator} (for ${field}) is not supported by the local runtime`);
  }
}

function textRule(operand: unknown, field: string, operator: string, test: (text: string, expected: string, ignoreCase: boolean) => boolean): Matcher {
  let expected: string;
  let ignoreCase = false;
  if (typeof operand === 'string') expected = operand;
  else if (isObject(operand) && typeof operand['equals-ignore-case'] === 'string' && Object.keys(operand).length === 1) {
    expected = operand['equals-ignore-case'];
    ignoreCase = true;
  } else throw new Error(`filter pattern: ${operator} for ${field} takes a string or {"equals-ignore-case": string}`);
  return (value, present) => present && typeof value === 'string' && test(value, expected, ignoreCase);
}

function anythingBut(operand: unknown, field: string): (value: unknown) => boolean {
  if (Array.isArray(operand)) {
    if (!operand.every((item) => typeof item === 'string' || typeof item === 'number'))
      throw new Error(`filter pattern: anything-but for ${field} lists strings or numbers`);
    return (value) => operand.includes(value as string | number);
  }
  if (typeof operand === 'string' || typeof operand === 'number') return (value) => value === operand;
  if (isObject(operand)) {
    const inner = compileRule(operand, field);
    return (value) => inner(value, true);
  }
  throw new Error(`filter pattern: unsupported anything-but for ${field}`);
}

const COMPARISONS: Record<string, (a: number, b: number) => boolean> = {
  '=': (a, b) => a === b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

function numericRule(operand: unknown, field: string): Matcher {
  if (!Array.isArray(operand) || operand.length === 0 || operand.length % 2 !== 0 || operand.length > 4) {
    throw new Error(`filter pattern: numeric for ${field} takes [op, n] or [op, n, op, n]`);
  }
  const tests: Array<(n: number) => boolean> = [];
  for (let i = 0; i < operand.length; i += 2) {
    const compare = COMPARISONS[String(operand[i])];
    const bound = operand[i + 1];
    if (!compare || typeof bound !== 'number') throw new Error(`filter pattern: numeric for ${field}: ${JSON.stringify(operand)}`);
    tests.push((n) => compare(n, bound));
  }
  return (value, present) => present && typeof value === 'number' && tests.every((test) => test(value));
}

function fold(text: string, ignoreCase: boolean): string {
  return ignoreCase ? text.toLowerCase() : text;
}

function asPattern(value: unknown, field: string): FilterPattern {
  if (!isObject(value)) throw new Error(`filter pattern: ${field} must hold an array of rules or a nested pattern`);
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
