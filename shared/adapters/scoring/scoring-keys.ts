/**
 * Where scoring keeps its items.
 *
 * Users table:      pk USER#<userId>            sk SCORE            (the user's stored score)
 * Operations table: pk SCORING#PARAMS           sk <fittedOn>#<version>  (model parameter sets)
 *                   pk SCORING#RUN#<runId>      sk PREPARED | SEGMENT#<nnnn> | SUMMARY
 *                   pk SCORING#LATEST           sk SUMMARY          (copy of the newest summary)
 *
 * The operations keys are low-cardinality but written a handful of times a night (a parameter set
 * a week, one progress item per segment invocation, one summary): far below a partition's 1,000
 * writes/s, so they are not sharded. The per-user SCORE item is what scales, and it lives in the
 * user's own partition.
 */
export const scoringKeys = {
  scoreSk: 'SCORE',
  paramsPk: 'SCORING#PARAMS',
  paramsSk: (fittedOn: string, version: string) => `${fittedOn}#${version}`,
  runPk: (runId: string) => `SCORING#RUN#${runId}`,
  preparedSk: 'PREPARED',
  segmentSk: (segment: number) => `SEGMENT#${String(segment).padStart(4, '0')}`,
  segmentPrefix: 'SEGMENT#',
  summarySk: 'SUMMARY',
  latestPk: 'SCORING#LATEST',
} as const;
