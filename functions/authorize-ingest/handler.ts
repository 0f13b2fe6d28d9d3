import middy from '@middy/core';
import { logger } from '../../shared/adapters/observability/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { isValidApiKey } from '../../shared/domain/auth/api-key';
import { composeEvents } from '../../shared/composition/events';

const ingestKey = composeEvents().ingestKey();

/** HTTP API Lambda authorizer (simple responses) for event producers: the `x-api-key` header. */
export const handler = middy(async (event: APIGatewayRequestAuthorizerEventV2): Promise<{ isAuthorized: boolean }> => {
  const presented = event.headers?.['x-api-key'];
  return { isAuthorized: isValidApiKey(presented, await ingestKey.value()) };
}).use(injectLambdaContext(logger, { resetKeys: true }));
