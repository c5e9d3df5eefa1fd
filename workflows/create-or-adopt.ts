// The shape of every create step. Exotel has no idempotency keys, so a create is made idempotent here:
// - its compensation is registered before the request goes out, and deletes by the resource's deterministic key;
// - each attempt is one request; an attempt after the first (the previous one may have landed with its answer
//   lost) first looks the resource up by key where Exotel would not refuse a duplicate, and a 1008 duplicate is
//   looked up and adopted instead of created again;
// - the happy path is a single POST: no lookup before the first attempt.
// How long it waits between attempts is domain/retry-policy.ts's.
import { isCancellation, sleep } from '@temporalio/workflow';
import { delayBeforeRetryMs, FORWARD_STEP_BUDGET_MS } from '../domain/retry-policy';
import { conflict, exotelFailureOf, isRetryable } from './failures';
import type { Saga } from './saga';

/** created: this run made it. recovered: an earlier attempt of this run made it and its answer was lost.
 *  pre-existing: it was there before this run; it is used but never deleted. */
export type Origin = 'created' | 'recovered' | 'pre-existing';

/** What a 1008 duplicate means for a resource Exotel refuses to hold twice. */
export interface DuplicateRules<T> {
  /** The conflict to report when Exotel calls it a duplicate yet the lookup by key finds nothing. */
  missingAfterDuplicate: string;
  /**
   * What to do with a resource that existed before this run (a duplicate on the first attempt): adopt it, or
   * refuse with the reason. `adopt` may itself refuse (throw) when what it finds belongs to someone else.
   */
  preexisting: { adopt: (found: T) => Promise<T> | T } | { refuse: string };
}

export interface CreateOrAdopt<T> {
  saga: Saga;
  step: string;
  /** Names the resource for the saga, e.g. `mapping:+91…`. */
  key: string;
  /** One request, not retried by Temporal (the loop below retries, looking up first). */
  create: () => Promise<T>;
  /** Finds the resource by its deterministic key (name, number, user name, ip, value); null when it is not there. */
  find: () => Promise<T | null>;
  /** True where Exotel accepts a second identical create (credentials are not documented to refuse one; destinations append). */
  findBeforeRetry: boolean;
  /** Deletes what `known` names, or finds it by key first when the create's answer never arrived. */
  undo: (known: T | undefined) => Promise<string | null>;
  /** Absent where Exotel never answers 1008 for this resource: a duplicate is then a failure like any other. */
  duplicates?: DuplicateRules<T>;
  /** A batch create (207) can be refused and still have created some items: its compensation then stays armed. */
  partialWrites?: boolean;
}

/**
 * Sleeps before the next try of a request the workflow retries itself, or rethrows `err` when it is not worth
 * another try (permanent, cancelled) or the step's budget would run out.
 */
export async function waitBeforeRetry(err: unknown, attempt: number, deadline: number): Promise<void> {
  if (isCancellation(err) || !isRetryable(err)) throw err;
  const delay = delayBeforeRetryMs(exotelFailureOf(err), attempt);
  if (Date.now() + delay > deadline) throw err;
  await sleep(delay);
}

export async function createOrAdopt<T>(o: CreateOrAdopt<T>): Promise<{ value: T; origin: Origin }> {
  let known: T | undefined;
  const compensation = o.saga.register(o.step, o.key, () => o.undo(known));
  const deadline = Date.now() + FORWARD_STEP_BUDGET_MS;

  for (let attempt = 1; ; attempt++) {
    if (attempt > 1 && o.findBeforeRetry) {
      const found = await o.find();
      if (found !== null) {
        known = found;
        return { value: found, origin: 'recovered' };
      }
    }
    try {
      known = await o.create();
      return { value: known, origin: 'created' };
    } catch (err) {
      const duplicates = o.duplicates;
      if (duplicates && exotelFailureOf(err)?.kind === 'duplicate') {
        if (attempt > 1) {
          // An earlier attempt got through and its answer was lost: the duplicate is ours.
          known = (await o.find()) ?? undefined;
          if (known !== undefined) return { value: known, origin: 'recovered' };
          throw conflict(duplicates.missingAfterDuplicate);
        }
        compensation.disarm();
        if ('refuse' in duplicates.preexisting) throw conflict(duplicates.preexisting.refuse);
        const existing = await o.find();
        if (existing === null) throw conflict(duplicates.missingAfterDuplicate);
        return { value: await duplicates.preexisting.adopt(existing), origin: 'pre-existing' };
      }
      // Refused on the first attempt: nothing was created, so there is nothing to undo.
      if (attempt === 1 && !o.partialWrites && !isCancellation(err) && !isRetryable(err)) compensation.disarm();
      await waitBeforeRetry(err, attempt, deadline);
    }
  }
}
