// One interceptor for every activity of the project, instead of a wrapper in each: failures become what the error
// contract promises (activities/failures.ts), each delete's outcome is told to the metrics, and each voice-AI
// platform request (one activity attempt of voice-ai-requests.ts) is counted by provider, activity and outcome.
import { performance } from 'node:perf_hooks';
import { CancelledFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { ExotelResource } from '../exotel/types';
import { projectMetrics, type PlatformRequestOutcome, type ProjectMetrics } from '../platform/metrics';
import { UnknownPlatformAccountError } from '../voice-ai/accounts';
import { PlatformError } from '../voice-ai/errors';
import { DELETED_BY, type DeleteOutcome, type ExotelActivities } from './exotel-requests';
import { toActivityFailure } from './failures';
import { platformOfActivity } from './voice-ai-requests';

export interface ActivityObservers {
  /** Told of every delete (compensations, mostly) and how it ended. */
  onDelete?: (resource: ExotelResource, outcome: DeleteOutcome | 'failed') => void;
  /** Where platform requests are counted; default the process's (bound to the SDK's meter by installRuntimeTelemetry). */
  metrics?: ProjectMetrics;
}

export function activityInterceptors({ onDelete, metrics = projectMetrics }: ActivityObservers = {}): ActivityInterceptorsFactory {
  return (ctx) => {
    const activity = ctx.info.activityType;
    const deletes = DELETED_BY[activity as keyof ExotelActivities];
    const provider = platformOfActivity(activity);
    return {
      inbound: {
        async execute(input, next) {
          const started = performance.now();
          const counted = (outcome: PlatformRequestOutcome) => {
            if (provider) metrics.recordPlatformRequest({ provider, activity, outcome, durationMs: performance.now() - started });
          };
          try {
            const result = await next(input);
            if (deletes) onDelete?.(deletes, result as DeleteOutcome);
            counted('ok');
            return result;
          } catch (err) {
            if (deletes) onDelete?.(deletes, 'failed');
            counted(platformOutcome(err));
            throw toActivityFailure(err);
          }
        },
      },
    };
  };
}

function platformOutcome(err: unknown): PlatformRequestOutcome {
  if (err instanceof PlatformError) return err.details.kind;
  if (err instanceof UnknownPlatformAccountError) return 'configuration';
  if (err instanceof CancelledFailure) return 'cancelled';
  return 'error';
}
