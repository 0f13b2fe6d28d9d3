import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The process's structured logger. Personal data (email, phone, push tokens, event payloads) is
 * never passed to it; log ids and counts.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'rekindle' });
