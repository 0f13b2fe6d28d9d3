import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerModelsCommands } from '../../../cli/commands/models';
import { bgnbdConditionalExpectedPurchases, bgnbdProbabilityAlive, simulateCustomers } from '../../../shared/domain/models';

let directory = '';

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'rekindle-models-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function file(name: string, content: string): Promise<string> {
  const path = join(directory, name);
  await writeFile(path, content);
  return path;
}

/** Runs `rekindle models ...` on a fresh program and returns what it printed. */
async function run(...args: string[]): Promise<string> {
  let printed = '';
  const program = new Command('rekindle').exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerModelsCommands(program, { stdout: (text) => (printed += text) });
  await program.parseAsync(['node', 'rekindle', 'models', ...args]);
  return printed;
}

describe('rekindle models summarize', () => {
  it('writes the summary CSV with holdout_frequency when asked', async () => {
    // Prepare
    const transactions = await file(
      'tx.csv',
      'customer_id,date,amount\nA,2024-01-01,10\nA,2024-01-01T08:00:00Z,5\nA,2024-01-04,20\nB,2024-01-05,12\nA,2024-01-12,3\n',
    );
    // Act
    const output = await run('summarize', '--transactions', transactions, '--calibration-end', '2024-01-10', '--unit', 'day', '--holdout-end', '2024-01-20');
    // Assess
    expect(output).toBe('id,frequency,recency,T,monetary_value,holdout_frequency\nA,1,3,9,20,1\nB,0,0,5,0,0\n');
  });

  it('names the line of a bad date and of a negative amount', async () => {
    const badDate = await file('bad-date.csv', 'customer_id,date,amount\nA,2024-01-01,10\nA,01/02/2024,5\n');
    await expect(run('summarize', '--transactions', badDate, '--calibration-end', '2024-01-10', '--unit', 'week')).rejects.toThrow(/line 3: date/);
    const negative = await file('negative.csv', 'customer_id,date,amount\nA,2024-01-01,-10\n');
    await expect(run('summarize', '--transactions', negative, '--calibration-end', '2024-01-10', '--unit', 'week')).rejects.toThrow(
      /line 2: amount must not be negative/,
    );
  });
});

describe('rekindle models fit and predict', () => {
  it('fits both models, prints the JSON fields, and predicts from the printed params files', async () => {
    // Prepare: a weekly summary simulated from known parameters.
    const customers = simulateCustomers({
      customers: 4_000,
      bgnbd: { r: 0.24, alpha: 4.41, a: 0.79, b: 2.43 },
      gammaGamma: { p: 6.25, q: 3.74, v: 15.44 },
      minAge: 27,
      maxAge: 39,
      seed: 99,
    });
    const rows = customers.map((customer, index) => `c${index},${customer.frequency},${customer.recency},${customer.T},${customer.monetaryValue}`);
    const summary = await file('summary.csv', `id,frequency,recency,T,monetary_value\n${rows.join('\n')}\n`);

    // Act
    const bgnbdJson = await run('fit', '--model', 'bgnbd', '--input', summary, '--json');
    const gammaGammaJson = await run('fit', '--model', 'gammagamma', '--input', summary, '--json');

    // Assess
    const bgnbd = JSON.parse(bgnbdJson) as Record<string, unknown>;
    expect(Object.keys(bgnbd).sort()).toEqual(['converged', 'iterations', 'logLikelihood', 'model', 'n', 'params', 'seconds']);
    expect(Object.keys(bgnbd.params as object).sort()).toEqual(['a', 'alpha', 'b', 'r']);
    expect(bgnbd).toMatchObject({ model: 'bgnbd', n: 4_000, converged: true });
    const gammaGamma = JSON.parse(gammaGammaJson) as Record<string, unknown>;
    const repeaters = customers.filter((customer) => customer.frequency > 0).length;
    expect(gammaGamma).toMatchObject({ model: 'gammagamma', n: repeaters, excluded: 4_000 - repeaters, converged: true });
    expect(Object.keys(gammaGamma.params as object).sort()).toEqual(['p', 'q', 'v']);

    // Act: predict from the files fit printed.
    const bgnbdFile = await file('bgnbd.json', bgnbdJson);
    const gammaGammaFile = await file('gg.json', gammaGammaJson);
    const predictions = JSON.parse(
      await run('predict', '--input', summary, '--bgnbd', bgnbdFile, '--gammagamma', gammaGammaFile, '--horizon', '39', '--discount', '0.01', '--json'),
    ) as Record<string, number | string>[];
    const csv = await run('predict', '--input', summary, '--bgnbd', bgnbdFile, '--horizon', '39', '--csv');

    // Assess
    expect(predictions).toHaveLength(4_000);
    const first = predictions[0] ?? {};
    expect(Object.keys(first).sort()).toEqual(['clv', 'expected_purchases', 'expected_spend', 'id', 'p_alive']);
    const params = (bgnbd as { params: { r: number; alpha: number; a: number; b: number } }).params;
    const customer = customers[0] ?? { frequency: 0, recency: 0, T: 1, monetaryValue: 0 };
    expect(first.p_alive).toBeCloseTo(bgnbdProbabilityAlive(params, customer), 12);
    expect(first.expected_purchases).toBeCloseTo(bgnbdConditionalExpectedPurchases(params, 39, customer), 12);
    expect(csv.split('\n')[0]).toBe('id,p_alive,expected_purchases');
    expect(csv.trim().split('\n')).toHaveLength(4_001);
  });

  it('names the line of a non-number, a negative value and a recency beyond T, and a missing column', async () => {
    const cases: [string, RegExp][] = [
      ['id,frequency,recency,T\na,1,2,5\nb,x,2,5\n', /line 3: frequency is not a number/],
      ['id,frequency,recency,T\na,1,2,-5\n', /line 2: T must not be negative/],
      ['id,frequency,recency,T\na,1,2,5\n\nb,2,7,5\n', /line 4: recency 7 is greater than T 5/],
      ['id,frequency,T\na,1,5\n', /line 1: missing column recency/],
    ];
    for (const [index, [content, message]] of cases.entries()) {
      const input = await file(`bad-${index}.csv`, content);
      await expect(run('fit', '--model', 'bgnbd', '--input', input, '--json')).rejects.toThrow(message);
    }
  });

  it('refuses a params file that is not a fit of the right model', async () => {
    const summary = await file('small.csv', 'id,frequency,recency,T\na,1,2,5\n');
    const wrong = await file(
      'wrong.json',
      JSON.stringify({ model: 'gammagamma', params: { p: 1, q: 2, v: 3 }, logLikelihood: 0, n: 1, excluded: 0, converged: true, iterations: 1, seconds: 0 }),
    );
    await expect(run('predict', '--input', summary, '--bgnbd', wrong, '--horizon', '10', '--json')).rejects.toThrow(/holds a gammagamma fit, expected bgnbd/);
  });
});
