import type { APIGatewayProxyEventV2 } from 'aws-lambda';

type Authorizer = {
  iam?: { userArn?: string; userId?: string };
  jwt?: { claims?: Record<string, string | number | boolean | string[]> };
};

/**
 * Who called a marketer route: the IAM principal in AWS (the route's IAM authorizer puts it in the
 * request context), or the Cognito user on the console API (its JWT authorizer puts the token's
 * claims there); the local gateway stands in for IAM with one token, so there it is `marketer`.
 */
export function operatorOf(event: APIGatewayProxyEventV2): string {
  const authorizer = (event.requestContext as { authorizer?: Authorizer }).authorizer;
  const iam = authorizer?.iam;
  if (iam?.userArn ?? iam?.userId) return (iam.userArn ?? iam.userId)!;
  const claims = authorizer?.jwt?.claims;
  const user = claims?.username ?? claims?.['cognito:username'] ?? claims?.email ?? claims?.sub;
  return typeof user === 'string' && user.length > 0 ? `cognito:${user}` : 'marketer';
}
