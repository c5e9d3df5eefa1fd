// What the Retell and ElevenLabs clients share: turning what their SDK threw (already read into status, code and
// text by each client) into a PlatformError, and the two answers that are not failures to a caller (a read of
// something absent, a delete of something already gone).
import type { ExotelErrorKind } from '../domain/failures';
import type { AccountProvider } from '../domain/platform-side';
import { kindOfStatus, PlatformError } from './errors';

/** What a client could read from an SDK failure. No status: no answer came (refused, reset, DNS, timeout). */
export interface SdkFailure {
  httpStatus?: number;
  code?: string;
  description: string;
}

/**
 * Retell and ElevenLabs do not document how they refuse a number imported twice: the stand-ins answer 409 [I]. A
 * 400/422 that says so is read as a duplicate too (Atoms' "Number already present" [C]), so either reading of the
 * real API lands on `duplicate` (which the caller answers by finding the number and adopting it).
 */
const ALREADY_THERE = /already (exists|been imported|imported|in use|registered|present)/i;

/** Whether a refusal's words say the thing is there already. */
export const saysAlreadyThere = (text: string): boolean => ALREADY_THERE.test(text);

export function platformError(provider: AccountProvider, operation: string, failure: SdkFailure): PlatformError {
  const { httpStatus, code, description } = failure;
  const kind = (httpStatus === 400 || httpStatus === 422) && saysAlreadyThere(`${code ?? ''} ${description}`) ? 'duplicate' : kindOfStatus(httpStatus);
  return new PlatformError({
    provider,
    kind,
    operation,
    ...(httpStatus !== undefined ? { httpStatus } : {}),
    ...(code ? { code } : {}),
    description,
  });
}

/** Refused before any answer (by the SDK's own checks or the client's): the same request fails again, so no retry. */
export function localError(provider: AccountProvider, operation: string, err: unknown, kind: ExotelErrorKind = 'rejected'): PlatformError {
  return new PlatformError({
    provider,
    kind,
    operation,
    description: err instanceof Error ? (err.name === 'Error' ? err.message : `${err.name}: ${err.message}`) : String(err),
  });
}

/** The message and its causes' (fetch's "fetch failed" holds the `connect ECONNREFUSED …` underneath), for failures with no answer. */
export function withCause(err: Error): string {
  const messages: string[] = [];
  for (let e: unknown = err; e instanceof Error && messages.length < 4; e = e.cause) if (e.message && !messages.includes(e.message)) messages.push(e.message);
  return messages.join(': ');
}

const isNotFound = (err: unknown): boolean => err instanceof PlatformError && err.details.kind === 'not-found';

/** A read: null for a 404. */
export async function nullWhenNotFound<T>(read: Promise<T>): Promise<T | null> {
  try {
    return await read;
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/** A delete: true when it deleted, false when it was already gone (a 404). */
export async function deletedUnlessGone(remove: Promise<unknown>): Promise<boolean> {
  try {
    await remove;
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}
