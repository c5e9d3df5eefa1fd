// Smallest AI Atoms: each DID imported, the setup's last request (Atoms cannot delete one by API).
import { platformObjectName, type PlatformObject } from '../../domain/platform-side';
import { FORWARD_STEP_BUDGET_MS } from '../../domain/retry-policy';
import type { SipEdge } from '../../domain/setup-result';
import { platformFor } from '../activity-profiles';
import { waitBeforeRetry } from '../create-or-adopt';
import { conflict, isRetryable } from '../failures';
import type { Saga } from '../saga';
import { madeByRun } from './ensure';
import { STEP_OF } from './steps';

/**
 * Atoms: each number imported with Exotel's edge as its termination URL and the digest user and password, found by
 * listing (GET /product/all-numbers [C]) before the import and before any retry. Atoms has no delete or update of an
 * imported number by API [C], so an import is the setup's last request: its rollback can only say what to remove in
 * the dashboard. A number found of this setup's name was left there by an earlier setup of the customer (which could
 * not delete it) and is used as it is; one of another name is not ours: refused.
 */
export async function importOnAtoms(
  saga: Saga,
  { account, customerId, dids, edge, userName, password }: { account: string; customerId: string; dids: string[]; edge: SipEdge; userName: string; password: string },
): Promise<PlatformObject[]> {
  const { platform, platformOnce } = platformFor('smallest-atoms');
  const name = platformObjectName('atoms-phone-number', customerId);
  const made = madeByRun.get(saga) ?? new Set<string>();
  madeByRun.set(saga, made);
  const out: PlatformObject[] = [];
  for (const did of dids) {
    const sagaKey = `atoms-phone-number:${did}`;
    const found = await platform.atomsFindNumber({ account, phoneNumber: did });
    if (found) {
      if (made.has(sagaKey)) out.push({ kind: 'atoms-phone-number', id: found.id, name });
      else if (found.name === name) out.push({ kind: 'atoms-phone-number', id: found.id, name, origin: 'pre-existing', mayDelete: false });
      else throw conflict(`Atoms already has ${did} imported${found.name ? ` as ${found.name}` : ''} (${found.id}), not by this setup: remove it in the Atoms dashboard, or set the customer up with providerSide manual`);
      continue;
    }
    // Whether this run's import went through: an attempt without an answer may have.
    let imported: 'no' | 'maybe' | 'yes' = 'no';
    const compensation = saga.register(STEP_OF['atoms-phone-number'], sagaKey, async () => {
      if (imported === 'yes') return `not undone: Atoms number ${did} stays imported (Atoms has no delete by API): remove it in the Atoms dashboard`;
      if (imported === 'maybe') return `not undone: Atoms number ${did} may have been imported by an attempt whose answer was lost (Atoms has no delete by API): check the Atoms dashboard`;
      return null;
    });
    const deadline = Date.now() + FORWARD_STEP_BUDGET_MS;
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) {
        const landed = await platform.atomsFindNumber({ account, phoneNumber: did });
        if (landed) {
          imported = 'yes';
          out.push({ kind: 'atoms-phone-number', id: landed.id, name });
          break;
        }
      }
      try {
        const done = await platformOnce.atomsImportNumber({ account, phoneNumber: did, edge, name, sipUsername: userName, sipPassword: password });
        imported = 'yes';
        out.push({ kind: 'atoms-phone-number', id: done.id, name });
        break;
      } catch (err) {
        if (isRetryable(err)) imported = 'maybe';
        // Refused for good on the first attempt: nothing was imported.
        else if (attempt === 1) compensation.disarm();
        await waitBeforeRetry(err, attempt, deadline);
      }
    }
    made.add(sagaKey);
  }
  return out;
}
