/** Options of the population generator that cannot describe a population. */
export class InvalidPopulationOptionsError extends Error {
  override readonly name = 'InvalidPopulationOptionsError';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`Invalid population option "${field}": ${reason}`);
  }
}
