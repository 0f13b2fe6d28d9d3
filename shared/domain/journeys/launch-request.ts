import { z } from 'zod';
import { AudienceFilter } from './audience';
import { DEFAULT_JOURNEY_INPUTS, DEFAULT_LIFECYCLE_IDS, DEFAULT_LIFECYCLE_INPUTS } from './default-journeys';
import { JourneyDefinitionInvalid } from './errors';
import { JourneyId, parseJourneyDefinition, RecallTier, type JourneyDefinition } from './journey-definition';
import { findTemplateProblems } from './template-variables';

/** The body of POST /v1/journeys and /v1/journeys/preview: a definition, or a shipped default by tier. */
export const LaunchRequest = z
  .object({
    id: JourneyId.optional(),
    defaultTier: RecallTier.optional(),
    /** A shipped lifecycle journey (welcome series, second-purchase nudge). */
    defaultLifecycle: z.enum(DEFAULT_LIFECYCLE_IDS).optional(),
    definition: z.record(z.string(), z.unknown()).optional(),
    automatic: z.boolean().optional(),
    audience: AudienceFilter.default({}),
  })
  .refine((request) => [request.definition, request.defaultTier, request.defaultLifecycle].filter((given) => given !== undefined).length === 1, {
    message: 'give one of definition, defaultTier or defaultLifecycle',
    path: ['definition'],
  });
export type LaunchRequest = z.infer<typeof LaunchRequest>;

/**
 * The definition a request asks for, validated, its templates included: each send's template must
 * exist and need no variable the step does not supply (see template-variables.ts).
 * @throws {JourneyDefinitionInvalid} naming each field under `definition.` as the request spells it.
 */
export function definitionOf(request: LaunchRequest): JourneyDefinition {
  const base =
    request.definition ??
    (request.defaultLifecycle === undefined ? DEFAULT_JOURNEY_INPUTS[request.defaultTier ?? 'R1'] : DEFAULT_LIFECYCLE_INPUTS[request.defaultLifecycle]);
  try {
    const definition = parseJourneyDefinition({
      ...base,
      ...(request.id === undefined ? {} : { id: request.id }),
      ...(request.automatic === undefined ? {} : { automatic: request.automatic }),
    });
    // At creation only: a journey stored before this check still reads.
    const problems = findTemplateProblems(definition);
    if (problems.length > 0) throw new JourneyDefinitionInvalid(problems);
    return definition;
  } catch (error) {
    if (error instanceof JourneyDefinitionInvalid) throw error.within('definition');
    throw error;
  }
}

/** TierChanged as nightly scoring emits it on EventBridge (source rekindle.scoring); the models' "active" means no tier. */
export const TierChangedDetail = z.object({
  userId: z.string().min(1),
  from: z.union([RecallTier, z.literal('active'), z.null()]).transform((tier) => (tier === 'active' ? null : tier)),
  to: z.union([RecallTier, z.literal('active'), z.null()]).transform((tier) => (tier === 'active' ? null : tier)),
  date: z.string().min(1),
});
export type TierChangedDetail = z.infer<typeof TierChangedDetail>;

/** The lifecycle commands a marketer sends through the API. */
export const JourneyControlCommand = z.enum(['pause', 'resume', 'stop']);
export type JourneyControlCommand = z.infer<typeof JourneyControlCommand>;
