import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * Who called a marketer route: the IAM principal in AWS (the route's IAM authorizer puts it in the
 * request context); the local gateway stands in for IAM with one token, so there it is `marketer`.
 */
export function operatorOf(event: APIGatewayProxyEventV2): string {
  const iam = (event.requestContext as { authorizer?: { iam?: { userArn?: string; userId?: string } } }).authorizer?.iam;
  return iam?.userArn ?? iam?.userId ?? 'marketer';
}
