// An operator's decision about a setup waiting for ops: what it may change, checked before the workflow takes it.
import { IssueCollector } from './issues';
import type { Direction, OpsDecision, SetupCorrections } from './setup';
import { validateSetupInput, type SetupInputOf } from './setup-validation';

const CORRECTABLE: (keyof SetupCorrections)[] = ['did', 'dids', 'providerIps', 'destinations', 'trunkSid'];

/**
 * Checks an operator's decision against what may still change, and returns the setup input a retry runs with.
 * Throws InputValidationError naming each problem.
 */
export function applyOpsDecision<D extends Direction>(
  direction: D,
  current: SetupInputOf<D>,
  decision: OpsDecision,
  correctable: (keyof SetupCorrections)[],
): SetupInputOf<D> {
  const c = new IssueCollector();
  if (decision === null || typeof decision !== 'object') {
    c.add('decision', decision, "must be an object such as {\"action\": \"retry\"} or {\"action\": \"rollback\"}");
    c.throwIfAny();
  }
  if (decision.action !== 'retry' && decision.action !== 'rollback') c.add('action', decision.action, 'must be retry or rollback');
  if (decision.note !== undefined) c.check('note', decision.note, (v) => (v.length <= 500 ? null : 'must be at most 500 characters'));
  const corrections = decision.corrections ?? {};
  if (typeof corrections !== 'object' || corrections === null) c.add('corrections', corrections, 'must be an object');
  const fields = Object.keys(corrections) as (keyof SetupCorrections)[];
  if (decision.action === 'rollback' && fields.length > 0) c.add('corrections', fields.join(','), 'only a retry takes corrections');
  for (const field of fields) {
    if (!CORRECTABLE.includes(field)) c.add(`corrections.${field}`, field, `is not a field a retry can change (${CORRECTABLE.join(', ')})`);
    else if (!correctable.includes(field)) {
      c.add(`corrections.${field}`, JSON.stringify(corrections[field]), `cannot change now: a finished step already used it (correctable now: ${correctable.join(', ') || 'none'}); roll back and start again instead`);
    }
  }
  c.throwIfAny();
  const next = { ...current, ...corrections };
  // A corrected list of numbers brings its first as `did`, as at the edge (domain/setup-request.ts).
  if (Array.isArray(corrections.dids) && corrections.dids.length > 0) {
    next.did = corrections.dids[0] as string;
    if (corrections.dids.length === 1) delete next.dids;
  }
  validateSetupInput(direction, next);
  return next;
}
