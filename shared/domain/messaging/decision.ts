import { z } from 'zod';
import { SkipReason } from './send-outcome';

/** The checks of the contact policy, in the order they run. */
export const PolicyCheckName = z.enum([
  'idempotency',
  'kill-switch',
  'global-control',
  'contact-point',
  'consent',
  'suppression',
  'quiet-hours',
  'disturbance-budget',
]);
export type PolicyCheckName = z.infer<typeof PolicyCheckName>;

/**
 * The result of one check. `bypassed` means the rule exists but does not apply to this message
 * (a core message passing the kill switch): the log says so instead of pretending it passed.
 */
export const PolicyCheckResult = z.enum(['pass', 'block', 'defer', 'bypassed']);
export type PolicyCheckResult = z.infer<typeof PolicyCheckResult>;

export const PolicyCheck = z.object({
  name: PolicyCheckName,
  result: PolicyCheckResult,
  /** Human-readable reason, never a contact point in clear. */
  detail: z.string(),
});
export type PolicyCheck = z.infer<typeof PolicyCheck>;

/** What the policy concluded. */
export const PolicyVerdict = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('allow') }),
  z.object({ kind: z.literal('skip'), reason: SkipReason }),
  z.object({ kind: z.literal('defer'), until: z.iso.datetime(), reason: z.literal('quiet-hours') }),
]);
export type PolicyVerdict = z.infer<typeof PolicyVerdict>;

/**
 * A recorded decision for the message log: every check that ran, in order, and the verdict. Checks
 * after the first block are not run and not listed.
 */
export const Decision = z.object({
  evaluatedAt: z.iso.datetime(),
  checks: z.array(PolicyCheck),
  verdict: PolicyVerdict,
});
export type Decision = z.infer<typeof Decision>;
