// Compensations: registered before each create is awaited (so a create whose answer was lost is still undone, by
// its deterministic key), run latest-first, in a scope that a cancellation cannot interrupt.
import { CancellationScope } from '@temporalio/workflow';
import { describeFailure } from './failures';
import type { SetupProgress } from './progress';

/** What an undo did, in words for people (e.g. "deleted trunk trmum1…"), or null when there was nothing to undo. */
type Undo = () => Promise<string | null>;

interface Compensation {
  step: string;
  key: string;
  undo: Undo;
  /** Registrations that may have created the resource; none left means there is nothing to undo. */
  claims: number;
}

export interface RollbackReport {
  rolledBack: string[];
  failures: { step: string; error: string }[];
}

export class Saga {
  private readonly compensations: Compensation[] = [];

  /**
   * `key` names the resource (e.g. `trunk:acme_o…`). A step retried on an operator's decision registers the same
   * key again: the entry keeps its place and takes the newer undo, and stays armed while any registration that
   * may have created the resource has not disarmed. `disarm()` when an attempt turns out to have created nothing.
   */
  register(step: string, key: string, undo: Undo): { disarm(): void } {
    let entry = this.compensations.find((c) => c.key === key);
    if (entry) {
      entry.undo = undo;
      entry.claims++;
    } else {
      entry = { step, key, undo, claims: 1 };
      this.compensations.push(entry);
    }
    const claimed = entry;
    let disarmed = false;
    return {
      disarm: () => {
        if (disarmed) return;
        disarmed = true;
        claimed.claims--;
      },
    };
  }

  /**
   * What is done so far stays: a rollback from here undoes only what comes after. For a change that cannot be
   * taken back once something outside depends on it (a platform that now signs in with a new credential).
   */
  commit(): void {
    for (const c of this.compensations) c.claims = 0;
  }

  /** The steps a rollback would undo now, latest first. */
  pendingSteps(): string[] {
    return [...new Set([...this.compensations].reverse().filter((c) => c.claims > 0).map((c) => c.step))];
  }

  /** Never throws: every compensation is tried, and one that still fails is reported, not swallowed. */
  async compensate(progress: SetupProgress): Promise<RollbackReport> {
    const report: RollbackReport = { rolledBack: [], failures: [] };
    await CancellationScope.nonCancellable(async () => {
      for (const c of [...this.compensations].reverse()) {
        if (c.claims <= 0) continue;
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
