/** Synthetic demo population: deterministic users and behaviour events for demos and benchmarks. */
export { generatePopulation, generateSyntheticUser, POPULATION_DEFAULTS, type PopulationOptions } from './population';
export { InvalidPopulationOptionsError } from './errors';
export { ARCHETYPE_SHARES } from './archetype-habits';
export {
  ARCHETYPES,
  SYNTHETIC_FEATURES,
  SYNTHETIC_TIME_ZONES,
  userIdForIndex,
  type Archetype,
  type SyntheticCurrency,
  type SyntheticEvent,
  type SyntheticEventPayload,
  type SyntheticEventType,
  type SyntheticFeature,
  type SyntheticLocale,
  type SyntheticProfile,
  type SyntheticTimeZone,
  type SyntheticUser,
} from './synthetic-user';
