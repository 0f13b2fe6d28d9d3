import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../infra/local/local-runtime';
import { DynamoScoringStores } from '../../../shared/adapters/scoring/dynamo-scoring-stores';
import { DEFAULT_MODEL_PARAMS, defaultParameterSet, type ModelParameterSet } from '../../../shared/domain/scoring-run';
import { startTestRuntime, tableNamed } from '../../support/test-runtime';

/** The model parameter sets in the operations table on DynamoDB Local. */
let runtime: LocalRuntime;
let stores: DynamoScoringStores;

beforeAll(async () => {
  runtime = await startTestRuntime();
  stores = new DynamoScoringStores(DynamoDBDocumentClient.from(runtime.dynamodb.client), tableNamed(runtime, 'OperationsTable'));
});
afterAll(async () => {
  await runtime?.stop();
});

const fittedSet = (fittedOn: string, r: number): ModelParameterSet => ({
  version: `params-${fittedOn}`,
  fittedOn,
  source: 'fitted',
  bgnbd: { ...DEFAULT_MODEL_PARAMS.bgnbd, r },
  gammagamma: { ...DEFAULT_MODEL_PARAMS.gammagamma },
  customers: 400,
  converged: true,
});

describe('DynamoScoringStores.latestOnOrBefore', () => {
  it('answers the newest day’s set, and on a day that kept the defaults and was fitted later, the fitted set', async () => {
    // Prepare
    await stores.put(fittedSet('2026-11-20', 0.3));
    await stores.put(defaultParameterSet('2026-11-27'));
    await stores.put(defaultParameterSet('2026-12-03'));
    await stores.put(fittedSet('2026-12-03', 0.5));

    // Act
    const found = await Promise.all(
      ['2026-11-19', '2026-11-20', '2026-11-26', '2026-11-27', '2026-12-02', '2026-12-03', '2026-12-10'].map((date) => stores.latestOnOrBefore(date)),
    );

    // Assess
    expect(found.map((set) => set && `${set.fittedOn} ${set.source}`)).toEqual([
      null,
      '2026-11-20 fitted',
      '2026-11-20 fitted',
      '2026-11-27 default',
      '2026-11-27 default',
      '2026-12-03 fitted',
      '2026-12-03 fitted',
    ]);
    expect(found[6]).toEqual(fittedSet('2026-12-03', 0.5));
  });
});
