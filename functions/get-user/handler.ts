import { InvalidInputError, NotFoundError } from '../../shared/domain/common';
import { getUser } from '../../shared/application/profiles/get-user';
import { composeProfiles } from '../../shared/composition/profiles';
import { httpHandler, json, pathParameter } from '../../shared/adapters/http/http-api';

const ports = composeProfiles();

/** GET /v1/users/{userId}: the profile, its activity summary and its latest nightly score. */
export const handler = httpHandler(async (event) => {
  const outcome = await getUser(pathParameter(event, 'userId'), ports);
  switch (outcome.kind) {
    case 'invalid':
      throw new InvalidInputError('the user id is invalid', outcome.problems);
    case 'not-found':
      throw new NotFoundError('no such user');
    case 'found':
      return json(200, { profile: outcome.profile, activity: outcome.activity, score: outcome.score });
  }
});
