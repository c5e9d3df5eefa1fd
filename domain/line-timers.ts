// What a line does by itself when time passes: a rotation's deadline and the rotation policy's next round. Pure
// (the time is given), so the workflow stays deterministic and the rules are tested without waiting days.
import type { ManagedLine, OperationRequest } from './line';

const DAY_MS = 24 * 60 * 60 * 1000;

/** When the line must act next by itself (ms since the epoch); empty: never. */
export function dueTimes(line: ManagedLine): number[] {
  return [line.pendingRotation?.decideBy, line.rotationPolicy?.nextAt].filter((t): t is string => t !== undefined).map((t) => Date.parse(t));
}

export interface TimersOutcome {
  line: ManagedLine;
  /** Operations to queue, with their ids (fixed by the time they were due, so a replay queues the same). */
  queue: { operationId: string; request: OperationRequest }[];
  warning?: string;
}

/**
 * What is due at `now`: a rotation past its deadline is finished (its confirmation queued, onTimeout finish) or
 * keeps both credentials and stops waiting (keep-both); the policy's next rotation is queued, unless one still waits
 * for confirmation (that round is skipped). A policy overdue by more than a round (the line was stopped) rotates
 * once, not once per missed round.
 */
export function onTimers(line: ManagedLine, now: number): TimersOutcome {
  let next = line;
  const queue: TimersOutcome['queue'] = [];
  const warnings: string[] = [];
  const rotation = line.pendingRotation;
  if (rotation?.decideBy && Date.parse(rotation.decideBy) <= now) {
    const { decideBy: _passed, ...waiting } = rotation;
    if (rotation.onTimeout === 'finish') {
      queue.push({ operationId: `${rotation.operationId}-confirmed-by-timeout`, request: { operation: { kind: 'confirm-rotation' }, confirm: true } });
    } else {
      warnings.push(`rotation to ${rotation.userName} not confirmed in time: both credentials stay`);
    }
    next = { ...next, pendingRotation: waiting };
  }
  const policy = next.rotationPolicy;
  if (policy && Date.parse(policy.nextAt) <= now) {
    if (next.pendingRotation) warnings.push(`scheduled rotation skipped: the rotation to ${next.pendingRotation.userName} waits for confirmation`);
    else {
      const settings = { ...(policy.confirmWithin ? { confirmWithin: policy.confirmWithin } : {}), ...(policy.onTimeout ? { onTimeout: policy.onTimeout } : {}) };
      queue.push({ operationId: `scheduled-rotation-${policy.nextAt}`, request: { operation: { kind: 'rotate-credential', ...settings } } });
    }
    const every = policy.everyDays * DAY_MS;
    next = { ...next, rotationPolicy: { ...policy, nextAt: new Date(Math.max(Date.parse(policy.nextAt) + every, now + every)).toISOString() } };
  }
  return { line: next, queue, ...(warnings.length ? { warning: warnings.join('; ') } : {}) };
}
