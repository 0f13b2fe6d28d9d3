/** Raised when model input breaks the model's assumptions; names the record and the field. */
export class InvalidModelInputError extends Error {
  override readonly name = 'InvalidModelInputError';
  constructor(
    message: string,
    readonly details: { index: number; field: string; value: unknown },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Raised when a fit is asked of data that cannot identify the model (e.g. no customers). */
export class ModelFitError extends Error {
  override readonly name = 'ModelFitError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
