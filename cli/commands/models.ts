import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { Command, Option } from 'commander';
import { z } from 'zod';
import {
  BgnbdParams,
  bgnbdConditionalExpectedPurchases,
  bgnbdProbabilityAlive,
  customerLifetimeValue,
  fitBgnbd,
  fitGammaGamma,
  GammaGammaParams,
  gammaGammaExpectedAverageSpend,
  parseTransactionDate,
  summarizeTransactions,
  type CustomerSummary,
  type Transaction,
} from '../../shared/domain/models';
import { CsvInputError, csvField, field, numberField, parseCsv, type CsvRow } from '../models/csv';

/** Where the commands write; tests pass their own. */
export interface ModelsCommandsOutput {
  stdout: (text: string) => void;
}

const defaultOutput: ModelsCommandsOutput = { stdout: (text) => void process.stdout.write(text) };

/** A bad command-line value (not a file problem): names the option. */
export class ModelsCommandError extends Error {
  override readonly name = 'ModelsCommandError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The JSON `models fit` prints, and `models predict` reads back as a params file. */
export const FitOutput = z.discriminatedUnion('model', [
  z.object({
    model: z.literal('bgnbd'),
    params: BgnbdParams,
    logLikelihood: z.number(),
    n: z.number(),
    converged: z.boolean(),
    iterations: z.number(),
    seconds: z.number(),
  }),
  z.object({
    model: z.literal('gammagamma'),
    params: GammaGammaParams,
    logLikelihood: z.number(),
    n: z.number(),
    excluded: z.number(),
    converged: z.boolean(),
    iterations: z.number(),
    seconds: z.number(),
  }),
]);
export type FitOutput = z.infer<typeof FitOutput>;

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

function parseDayOption(value: string, option: string): number {
  const parsed = DAY_PATTERN.test(value) ? parseTransactionDate(value) : null;
  if (parsed === null) throw new ModelsCommandError(`${option} must be a date as YYYY-MM-DD, got '${value}'`);
  return parsed;
}

function parsePositiveOption(value: string, option: string, allowZero = false): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0 || (!allowZero && parsed === 0)) {
    throw new ModelsCommandError(`${option} must be a ${allowZero ? 'non-negative' : 'positive'} number, got '${value}'`);
  }
  return parsed;
}

async function readText(path: string, option: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new ModelsCommandError(`${option}: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

function readTransactions(text: string, file: string): Transaction[] {
  return parseCsv(text, file, ['customer_id', 'date', 'amount']).map((row) => {
    const customerId = field(row, 'customer_id');
    if (customerId === '') throw new CsvInputError(`${file} line ${row.line}: customer_id is empty`, { file, line: row.line });
    const dateText = field(row, 'date');
    const occurredAt = parseTransactionDate(dateText);
    if (occurredAt === null) {
      throw new CsvInputError(`${file} line ${row.line}: date is not YYYY-MM-DD or ISO 8601: '${dateText}'`, { file, line: row.line });
    }
    return { customerId, occurredAt, amount: numberField(row, 'amount', file) };
  });
}

/** A summary row as the models read it, with the checks that name the line. */
interface SummaryRow {
  id: string;
  frequency: number;
  recency: number;
  T: number;
  monetaryValue: number;
}

function readSummaries(text: string, file: string, needMonetary: boolean): SummaryRow[] {
  const required = ['id', 'frequency', 'recency', 'T', ...(needMonetary ? ['monetary_value'] : [])];
  return parseCsv(text, file, required).map((row: CsvRow) => {
    const frequency = numberField(row, 'frequency', file, { integer: true });
    const recency = numberField(row, 'recency', file);
    const T = numberField(row, 'T', file);
    if (recency > T) throw new CsvInputError(`${file} line ${row.line}: recency ${recency} is greater than T ${T}`, { file, line: row.line });
    if (frequency === 0 && recency !== 0) {
      throw new CsvInputError(`${file} line ${row.line}: recency must be 0 when frequency is 0, got ${recency}`, { file, line: row.line });
    }
    const monetaryValue = row.fields.has('monetary_value') ? numberField(row, 'monetary_value', file) : 0;
    return { id: field(row, 'id'), frequency, recency, T, monetaryValue };
  });
}

async function readFitOutput(path: string, option: string, model: FitOutput['model']): Promise<FitOutput> {
  const text = await readText(path, option);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelsCommandError(`${option}: ${path} is not JSON`, { cause: error });
  }
  const parsed = FitOutput.safeParse(json);
  if (!parsed.success) {
    throw new ModelsCommandError(
      `${option}: ${path} is not the output of 'models fit': ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')}`,
    );
  }
  if (parsed.data.model !== model) throw new ModelsCommandError(`${option}: ${path} holds a ${parsed.data.model} fit, expected ${model}`);
  return parsed.data;
}

function summaryCsv(summaries: readonly CustomerSummary[], withHoldout: boolean): string {
  const header = ['id', 'frequency', 'recency', 'T', 'monetary_value', ...(withHoldout ? ['holdout_frequency'] : [])];
  const lines = summaries.map((summary) =>
    [summary.id, summary.frequency, summary.recency, summary.T, summary.monetaryValue, ...(withHoldout ? [summary.holdoutFrequency ?? 0] : [])]
      .map(csvField)
      .join(','),
  );
  return `${[header.join(','), ...lines].join('\n')}\n`;
}

/**
 * Adds `models summarize | fit | predict`: the customer models on CSV files, with no running
 * system. See issue 3 for the formats.
 */
export function registerModelsCommands(program: Command, output: ModelsCommandsOutput = defaultOutput): void {
  const models = program.command('models').description('Customer models on CSV files: summaries, BG/NBD and Gamma–Gamma fits, predictions');

  models
    .command('summarize')
    .description('Summarise a transaction log (customer_id,date,amount) per customer: frequency, recency, T, monetary_value')
    .requiredOption('--transactions <file>', 'CSV with the header customer_id,date,amount')
    .requiredOption('--calibration-end <date>', 'last day of the calibration period, YYYY-MM-DD (inclusive)')
    .addOption(new Option('--unit <unit>', 'time unit of the summary').choices(['day', 'week']).makeOptionMandatory())
    .option('--holdout-end <date>', 'last day of the holdout period, YYYY-MM-DD: adds holdout_frequency')
    .action(async (options: { transactions: string; calibrationEnd: string; unit: 'day' | 'week'; holdoutEnd?: string }) => {
      const calibrationEnd = parseDayOption(options.calibrationEnd, '--calibration-end');
      const holdoutEnd = options.holdoutEnd === undefined ? undefined : parseDayOption(options.holdoutEnd, '--holdout-end');
      if (holdoutEnd !== undefined && holdoutEnd <= calibrationEnd) throw new ModelsCommandError('--holdout-end must be after --calibration-end');
      const transactions = readTransactions(await readText(options.transactions, '--transactions'), options.transactions);
      const summaries = summarizeTransactions(transactions, { calibrationEnd, unit: options.unit, ...(holdoutEnd === undefined ? {} : { holdoutEnd }) });
      output.stdout(summaryCsv(summaries, holdoutEnd !== undefined));
    });

  models
    .command('fit')
    .description('Fit BG/NBD (id,frequency,recency,T) or Gamma–Gamma (plus monetary_value) by maximum likelihood')
    .addOption(new Option('--model <model>', 'the model to fit').choices(['bgnbd', 'gammagamma']).makeOptionMandatory())
    .requiredOption('--input <file>', 'summary CSV as written by models summarize')
    .option('--json', 'print one JSON object (the params file models predict reads)')
    .action(async (options: { model: 'bgnbd' | 'gammagamma'; input: string; json?: boolean }) => {
      const rows = readSummaries(await readText(options.input, '--input'), options.input, options.model === 'gammagamma');
      const started = performance.now();
      const result: FitOutput =
        options.model === 'bgnbd'
          ? (() => {
              const fit = fitBgnbd(rows);
              return {
                model: 'bgnbd',
                params: fit.params,
                logLikelihood: fit.logLikelihood,
                n: fit.n,
                converged: fit.converged,
                iterations: fit.iterations,
                seconds: 0,
              };
            })()
          : (() => {
              const fit = fitGammaGamma(rows);
              return {
                model: 'gammagamma',
                params: fit.params,
                logLikelihood: fit.logLikelihood,
                n: fit.n,
                excluded: fit.excluded,
                converged: fit.converged,
                iterations: fit.iterations,
                seconds: 0,
              };
            })();
      result.seconds = (performance.now() - started) / 1000;
      if (options.json) {
        output.stdout(`${JSON.stringify(result)}\n`);
        return;
      }
      const params = Object.entries(result.params)
        .map(([name, value]) => `${name}=${value.toPrecision(6)}`)
        .join(' ');
      const excluded = result.model === 'gammagamma' ? ` (${result.excluded} excluded: no repeat purchase or no spend)` : '';
      output.stdout(
        `${result.model}: ${params}\nlog-likelihood ${result.logLikelihood.toFixed(4)}, n ${result.n}${excluded}, ` +
          `${result.converged ? 'converged' : 'NOT converged'} in ${result.iterations} iterations, ${result.seconds.toFixed(3)} s\n`,
      );
    });

  models
    .command('predict')
    .description('Per customer: p_alive, expected_purchases over the horizon, and with spend params expected_spend and clv')
    .requiredOption('--input <file>', 'summary CSV (id,frequency,recency,T[,monetary_value])')
    .requiredOption('--bgnbd <file>', 'BG/NBD params: the JSON models fit printed')
    .option('--gammagamma <file>', 'Gamma–Gamma params: the JSON models fit printed')
    .requiredOption('--horizon <periods>', 'prediction horizon in the summary’s time unit')
    .option('--discount <rate>', 'discount rate per period for CLV', '0')
    .option('--period <length>', 'length of one discounting period in the summary’s time unit', '1')
    .option('--json', 'print a JSON array')
    .option('--csv', 'print CSV (the default)')
    .action(
      async (options: {
        input: string;
        bgnbd: string;
        gammagamma?: string;
        horizon: string;
        discount: string;
        period: string;
        json?: boolean;
        csv?: boolean;
      }) => {
        if (options.json && options.csv) throw new ModelsCommandError('choose one of --json and --csv');
        const horizon = parsePositiveOption(options.horizon, '--horizon');
        const discountRate = parsePositiveOption(options.discount, '--discount', true);
        const periodLength = parsePositiveOption(options.period, '--period');
        const bgnbd = (await readFitOutput(options.bgnbd, '--bgnbd', 'bgnbd')).params as BgnbdParams;
        const gammaGamma = options.gammagamma
          ? ((await readFitOutput(options.gammagamma, '--gammagamma', 'gammagamma')).params as GammaGammaParams)
          : undefined;
        const rows = readSummaries(await readText(options.input, '--input'), options.input, gammaGamma !== undefined);
        const predictions = rows.map((row) => {
          const base = {
            id: row.id,
            p_alive: bgnbdProbabilityAlive(bgnbd, row),
            expected_purchases: bgnbdConditionalExpectedPurchases(bgnbd, horizon, row),
          };
          if (!gammaGamma) return base;
          return {
            ...base,
            expected_spend: gammaGammaExpectedAverageSpend(gammaGamma, row),
            clv: customerLifetimeValue({ bgnbd, gammaGamma }, row, { horizon, periodLength, discountRate }),
          };
        });
        if (options.json) {
          output.stdout(`${JSON.stringify(predictions)}\n`);
          return;
        }
        const header = ['id', 'p_alive', 'expected_purchases', ...(gammaGamma ? ['expected_spend', 'clv'] : [])];
        const lines = predictions.map((prediction) =>
          header.map((column) => csvField((prediction as Record<string, string | number>)[column] ?? '')).join(','),
        );
        output.stdout(`${[header.join(','), ...lines].join('\n')}\n`);
      },
    );
}
