import { api } from './api';
import type { PreviewAnswer } from './journey-types';

/** How often a started exact count is asked for its progress. */
const COUNT_POLL_MS = 500;

/** `POST /v1/journeys/preview` answered 202: an exact count under way (asked for, or no audience summary yet). */
interface CountAnswer {
  countId: string;
  /** Where the count is followed (in the 202 answer only). */
  location: string;
  status: 'counting' | 'done' | 'failed';
  segmentsDone: number;
  totalSegments: number;
  failure?: { error: string; cause: string };
  preview?: PreviewAnswer;
}

/**
 * The preview of a launch: from the audience summary at once, or, when the API starts an exact
 * count instead, followed until the count answers (`onCounting` sees its progress).
 */
export async function askPreview(body: unknown, onCounting: (segmentsDone: number, totalSegments: number) => void = () => undefined): Promise<PreviewAnswer> {
  const answer = await api<PreviewAnswer | CountAnswer>('POST', '/v1/journeys/preview', body);
  if (!('countId' in answer)) return answer;
  let count: CountAnswer = answer;
  while (count.status === 'counting') {
    onCounting(count.segmentsDone, count.totalSegments);
    await new Promise((resolve) => setTimeout(resolve, COUNT_POLL_MS));
    count = await api<CountAnswer>('GET', answer.location);
  }
  if (count.status === 'failed' || !count.preview) throw new Error(`the exact count failed: ${count.failure?.error ?? 'no preview'}`);
  return count.preview;
}
