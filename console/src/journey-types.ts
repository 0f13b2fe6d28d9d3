import type { JourneyLaunchPreview } from '../../shared/domain/journeys/launch-preview';
import type { JourneyReport } from '../../shared/domain/journeys/journey-report';
import type { StoredJourney } from '../../shared/domain/journeys/stored-journey';

/** `POST /v1/journeys/preview`: the dry run and where its counts come from. */
export type PreviewAnswer = JourneyLaunchPreview & {
  source: 'audience-summary' | 'count';
  /** When an exact count counted the last page. */
  countedAt?: string;
  scoredOn?: string;
  ageHours?: number;
  exact: boolean;
  inexactCriteria?: string[];
};

export interface LaunchProgress {
  matched: number;
  enrolled: number;
  alreadyEnrolled: number;
  holdout: number;
  queued: number;
  started: number;
  segmentsDone: number;
  totalSegments: number;
  selectionDone: boolean;
}

/** `GET /v1/journeys/{id}`. */
export type JourneyAnswer = StoredJourney & { progress: LaunchProgress; transitionsPerTreatedUser: number };

/** `GET /v1/journeys` rows. */
export type JourneyRow = Pick<StoredJourney, 'journeyId' | 'status' | 'launchedAt' | 'launch'> & { name: string; tier: string; automatic: boolean };

/** `GET /v1/journeys/{id}/report`. */
export type ReportAnswer = JourneyReport & { status: string; exits: Record<string, number>; failures: number };
