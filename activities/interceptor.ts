// One interceptor for every activity of the project, instead of a wrapper in each: failures become what the error
// contract promises (activities/failures.ts), and each delete's outcome is told to the metrics.
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { ExotelResource } from '../exotel/types';
import { DELETED_BY, type DeleteOutcome, type ExotelActivities } from './exotel-requests';
import { toActivityFailure } from './failures';

export interface ActivityObservers {
  /** Told of every delete (compensations, mostly) and how it ended. */
  onDelete?: (resource: ExotelResource, outcome: DeleteOutcome | 'failed') => void;
}

export function activityInterceptors({ onDelete }: ActivityObservers = {}): ActivityInterceptorsFactory {
  return (ctx) => {
    const deletes = DELETED_BY[ctx.info.activityType as keyof ExotelActivities];
    return {
      inbound: {
        async execute(input, next) {
          try {
            const result = await next(input);
            if (deletes) onDelete?.(deletes, result as DeleteOutcome);
            return result;
          } catch (err) {
            if (deletes) onDelete?.(deletes, 'failed');
            throw toActivityFailure(err);
          }
        },
      },
    };
  };
}
