// The shape of every create step: compensation first, then the create; a duplicate is looked up by the
// resource's deterministic key instead of being made twice.
import { ApplicationFailure } from '@temporalio/workflow';
import type { Saga } from './saga';
import { exotelFailureOf } from './saga';

/** created: this run made it. recovered: an earlier attempt of this run made it and its answer was lost.
 *  pre-existing: it was there before this run; it is used but never deleted. */
export type Origin = 'created' | 'recovered' | 'pre-existing';

export interface CreateOrAdopt<T> {
  saga: Saga;
  step: string;
  create: () => Promise<T>;
  /** Finds the resource by its deterministic key (name, number, user name, ip). */
  find: () => Promise<T | null>;
  /** Deletes what `known` names, or finds it by key first when the create's answer never arrived. */
  undo: (known: T | undefined) => Promise<string | null>;
  /** A resource that already existed: use it, or refuse (with the reason) when it cannot be taken over safely. */
  preexisting: { adopt: true } | { adopt: false; conflict: string };
}

const PERMANENT = new Set(['validation', 'auth', 'not-found', 'rejected']);

export async function createOrAdopt<T>(o: CreateOrAdopt<T>): Promise<{ value: T; origin: Origin }> {
  let known: T | undefined;
  const compensation = o.saga.register(o.step, () => o.undo(known));
  try {
    known = await o.create();
    return { value: known, origin: 'created' };
  } catch (err) {
    const failure = exotelFailureOf(err);
    if (failure?.kind === 'duplicate' && failure.attempt > 1) {
      // An earlier attempt got through but its answer was lost: the duplicate is ours.
      known = (await o.find()) ?? undefined;
      if (known !== undefined) return { value: known, origin: 'recovered' };
      throw err;
    }
    if (failure?.kind === 'duplicate') {
      compensation.disarm();
      if (!o.preexisting.adopt) throw ApplicationFailure.nonRetryable(o.preexisting.conflict, 'Conflict');
      const existing = await o.find();
      if (existing === null) throw err;
      return { value: existing, origin: 'pre-existing' };
    }
    // Refused on the first attempt: nothing was created, so there is nothing to undo.
    if (failure && failure.attempt === 1 && PERMANENT.has(failure.kind)) compensation.disarm();
    throw err;
  }
}
