// Compensations: registered before each create is awaited (so a create whose answer was lost is still undone, by
// its deterministic key), run latest-first, in a scope that a cancellation cannot interrupt.
import { ActivityFailure, ApplicationFailure, CancellationScope } from '@temporalio/workflow';
import type { ExotelFailureDetails } from '../activities/failures';
import type { SetupProgress } from './progress';

/** What an undo did, in words for people (e.g. "deleted trunk trmum1…"), or null when there was nothing to undo. */
type Undo = () => Promise<string | null>;

interface Compensation {
  step: string;
  undo: Undo;
  armed: boolean;
}

export interface RollbackReport {
  rolledBack: string[];
  failures: { step: string; error: string }[];
}

export class Saga {
  private readonly compensations: Compensation[] = [];

  /** `disarm()` when the step turns out to have created nothing (e.g. refused on its first attempt). */
  register(step: string, undo: Undo): { disarm(): void } {
    const entry: Compensation = { step, undo, armed: true };
    this.compensations.push(entry);
    return {
      disarm: () => {
        entry.armed = false;
      },
    };
  }

  /** Never throws: every compensation is tried, and one that still fails is reported, not swallowed. */
  async compensate(progress: SetupProgress): Promise<RollbackReport> {
    const report: RollbackReport = { rolledBack: [], failures: [] };
    await CancellationScope.nonCancellable(async () => {
      for (const c of [...this.compensations].reverse()) {
        if (!c.armed) continue;
        try {
          const done = await c.undo();
          if (done) report.rolledBack.push(done);
          progress.markCompensated(c.step);
        } catch (err) {
          report.failures.push({ step: c.step, error: describeFailure(err) });
          progress.mark(c.step, 'failed', { error: `rollback failed: ${describeFailure(err)}` });
        }
      }
    });
    return report;
  }
}

/** The Exotel facts behind an activity failure, when it was one. */
export function exotelFailureOf(err: unknown): ExotelFailureDetails | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure && cause.type?.startsWith('Exotel.')) {
    return cause.details?.[0] as ExotelFailureDetails | undefined;
  }
  return undefined;
}

/** The innermost useful message of a failure chain, for people. */
export function describeFailure(err: unknown): string {
  const exotel = exotelFailureOf(err);
  if (exotel) {
    const code = exotel.exotelCode ?? exotel.innerCode ?? exotel.httpStatus;
    const items = exotel.failedItems?.length
      ? ` (${exotel.failedItems.map((f) => `${f.item}: ${f.description}`).join('; ')})`
      : '';
    return `Exotel ${code !== undefined ? `${code} ` : ''}${exotel.description}${items}${exotel.requestId ? ` [request_id ${exotel.requestId}]` : ''}`;
  }
  let current: unknown = err;
  while (current instanceof Error && 'cause' in current && current.cause instanceof Error && !(current instanceof ApplicationFailure)) {
    current = current.cause;
  }
  return current instanceof Error ? current.message : String(current);
}
