import { InternalError } from '../../domain/common';

/** A stored experiments item that does not parse: a fault of ours, never the caller's. */
export class CorruptExperimentItem extends InternalError {
  override readonly name: string = 'CorruptExperimentItem';
}
