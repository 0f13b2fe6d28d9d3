import { InvalidInputError } from '../../shared/domain/common';
import { upsertProfile } from '../../shared/application/profiles/upsert-profile';
import { composeProfiles } from '../../shared/composition/profiles';
import { httpHandler, json, jsonBody, pathParameter } from '../../shared/adapters/http/http-api';

const ports = composeProfiles();

/** PUT /v1/users/{userId}: creates or updates a profile (`timeZone`, alias `timezone`). */
export const handler = httpHandler(async (event) => {
  const outcome = await upsertProfile(pathParameter(event, 'userId'), jsonBody(event), ports);
  if (outcome.kind === 'invalid')
    throw new InvalidInputError(`the profile was rejected: ${outcome.problems.length} problem(s); nothing was written`, outcome.problems);
  return json(outcome.created ? 201 : 200, { profile: outcome.profile });
});
