/**
 * Which template variables a journey send supplies, and the definitions whose templates need more:
 * checked when a journey is created, so a template the step cannot fill is refused then, not found
 * at each send as a `template-error`.
 */
import { messageTemplates } from '../../templates';
import type { JourneyDefinitionProblem } from './errors';
import { formatIssuePath, type JourneyDefinition, type JourneyOffer, type JourneyStep } from './journey-definition';

/** What every journey send fills in (journeyTemplateData; the activity report is read when the template declares it). */
const ALWAYS_SUPPLIED = ['firstName', 'appUrl', 'activitySummary', 'unsubscribeUrl'] as const;
/** What a coupon offer adds. */
const COUPON_SUPPLIED = ['couponValue', 'couponCode', 'couponExpiresOn'] as const;

/** The variables a send with this offer supplies to its template. */
export function suppliedVariables(offer: JourneyOffer): ReadonlySet<string> {
  return new Set<string>([...ALWAYS_SUPPLIED, ...(offer.kind === 'coupon' ? COUPON_SUPPLIED : [])]);
}

/**
 * Every send (and send variant) whose template is unknown or needs a variable its offer does not
 * supply, naming the step, the template and the variables: e.g. `recall-r4` needs a coupon.
 */
export function findTemplateProblems(definition: Pick<JourneyDefinition, 'steps'>): JourneyDefinitionProblem[] {
  const problems: JourneyDefinitionProblem[] = [];
  const check = (templateId: string, offer: JourneyOffer, path: (string | number)[], what: string) => {
    const template = messageTemplates.templates[templateId];
    if (template === undefined) {
      problems.push({ index: null, path: formatIssuePath([...path, 'templateId']), message: `${what} uses template ${templateId}, which does not exist` });
      return;
    }
    const supplied = suppliedVariables(offer);
    const missing = template.variables.filter((variable) => !supplied.has(variable));
    if (missing.length === 0) return;
    const coupon = missing.some((variable) => (COUPON_SUPPLIED as readonly string[]).includes(variable));
    problems.push({
      index: null,
      path: formatIssuePath([...path, 'templateId']),
      message:
        `${what} uses template ${templateId}, which needs ${missing.join(', ')}; the step does not supply ${missing.length === 1 ? 'it' : 'them'}` +
        (coupon && offer.kind !== 'coupon' ? ': give the step a coupon offer ({"kind": "coupon", "value": 20, "unit": "percent"})' : ''),
    });
  };
  const walk = (steps: readonly JourneyStep[], at: (string | number)[]) =>
    steps.forEach((step, index) => {
      const path = [...at, index];
      if (step.kind === 'branch') {
        walk(step.then, [...path, 'then']);
        walk(step.else, [...path, 'else']);
        return;
      }
      if (step.kind !== 'send') return;
      check(step.templateId, step.offer, path, `the send at ${formatIssuePath(path)}`);
      step.variants?.forEach((variant, v) =>
        check(
          variant.templateId ?? step.templateId,
          variant.offer ?? step.offer,
          [...path, 'variants', v],
          `variant ${variant.id} of the send at ${formatIssuePath(path)}`,
        ),
      );
    });
  walk(definition.steps, ['steps']);
  return problems;
}
