import { describe, expect, it } from 'vitest';
import { upsertProfile } from '../../../../shared/application/profiles/upsert-profile';
import { fixedClock } from '../../../../shared/domain/common';
import { InMemoryProfileStore } from '../../../support/fakes/profile-store';

const clock = fixedClock('2026-11-24T12:00:00Z');

describe('upsertProfile', () => {
  it('stores timeZone, and takes the alias timezone too', async () => {
    // Prepare
    const profiles = new InMemoryProfileStore();

    // Act
    const spelled = await upsertProfile('u1', { timeZone: 'Asia/Shanghai' }, { profiles, clock });
    const aliased = await upsertProfile('u2', { timezone: 'Asia/Tokyo' }, { profiles, clock });

    // Assess
    expect(spelled).toMatchObject({ kind: 'saved', profile: { timeZone: 'Asia/Shanghai' } });
    expect(aliased).toMatchObject({ kind: 'saved', profile: { timeZone: 'Asia/Tokyo' } });
    expect(profiles.profiles.get('u2')).not.toHaveProperty('timezone');
  });

  it('refuses both spellings when they disagree, naming timeZone, and writes nothing', async () => {
    // Prepare
    const profiles = new InMemoryProfileStore();

    // Act
    const outcome = await upsertProfile('u1', { timeZone: 'Asia/Shanghai', timezone: 'Asia/Tokyo' }, { profiles, clock });

    // Assess
    expect(outcome).toMatchObject({ kind: 'invalid', problems: [{ path: 'timeZone' }] });
    expect(profiles.profiles.size).toBe(0);
  });

  it('takes both spellings when they agree', async () => {
    // Prepare
    const profiles = new InMemoryProfileStore();

    // Act
    const outcome = await upsertProfile('u1', { timeZone: 'Asia/Shanghai', timezone: 'Asia/Shanghai' }, { profiles, clock });

    // Assess
    expect(outcome).toMatchObject({ kind: 'saved', profile: { timeZone: 'Asia/Shanghai' } });
  });
});
