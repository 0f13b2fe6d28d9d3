/**
 * What the local runtime needs to know of the functions without loading the CDK: where the
 * repository is and which metadata key names a function's source module.
 */
import * as path from 'node:path';

/** Where the repository root is, so entries can be written relative to it. */
export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');

/** Metadata key that tells the local runtime which source module implements a function. */
export const LOCAL_ENTRY_METADATA = 'rekindle:entry';
