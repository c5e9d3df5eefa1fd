// Deterministic names: the same customer always gets the same trunk name, credential user and workflow id, so a
// retried or repeated setup finds what an earlier attempt made instead of making another.
import type { Direction } from './setup';

/** cyrb53: a fast 53-bit string hash, pure JS so workflow code can use it (no node:crypto in the sandbox). */
function hash53(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** 10 base-36 characters (~51 bits): collisions stay negligible across millions of customers. */
function digest(text: string): string {
  return hash53(text).toString(36).padStart(11, '0').slice(-10);
}

function readablePrefix(customerId: string, length: number): string {
  return customerId.replace(/[^A-Za-z0-9]/g, '').slice(0, length).toLowerCase();
}

const DIRECTION_MARK: Record<Direction, string> = { outbound: 'o', inbound: 'i' };

/**
 * Exotel trunk names are unique per account and limited to 16 of [A-Za-z0-9_]: a short readable prefix of the
 * customer id (so people recognise it in the console), the direction, and a digest of the full id (so it is unique).
 */
export function trunkNameFor(customerId: string, direction: Direction): string {
  return `${readablePrefix(customerId, 4)}_${DIRECTION_MARK[direction]}${digest(`${direction}:${customerId}`)}`;
}

/**
 * Digest user name; letters and digits only, since Exotel does not publish which characters it accepts. Each
 * rotation makes a new generation with a user name of its own, so old and new can live side by side.
 */
export function sipUserNameFor(customerId: string, generation = 0): string {
  return `sip${digest(generation === 0 ? `sip-user:${customerId}` : `sip-user:${customerId}:${generation}`)}`;
}

/** Exotel's friendly_name takes [A-Za-z0-9_] only, at most 32. */
export function credentialFriendlyNameFor(customerId: string): string {
  const prefix = customerId.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 21);
  return `${prefix}_${digest(`friendly:${customerId}`)}`;
}

/** One id per customer and direction: a second start of the same setup attaches to the first instead of provisioning twice. */
export function setupWorkflowId(direction: Direction, customerId: string): string {
  return `trunk-setup-${direction}-${customerId}`;
}

/** The long-lived workflow that holds what this project manages for a customer in one direction. */
export function lineWorkflowId(direction: Direction, customerId: string): string {
  return `trunk-line-${direction}-${customerId}`;
}

/** One id per lifecycle event a platform sends, never reused: the memory that the event was delivered to its line. */
export function lineEventWorkflowId(eventId: string): string {
  return `trunk-line-event-${eventId}`;
}

/** An on-demand drift scan of an account, one per start time. */
export function driftScanWorkflowId(exotelAccountSid: string, at: Date): string {
  return `trunk-drift-scan-${exotelAccountSid}-${at.toISOString().replace(/[:.]/g, '-')}`;
}

/** The Schedule of an account's drift scans, and the id prefix of the scans it starts. */
export function driftScheduleId(exotelAccountSid: string): string {
  return `trunk-drift-schedule-${exotelAccountSid}`;
}

/** A short, stable digest of some text (a plan's view of Exotel, say), for comparing without holding it. */
export const fingerprintOf = (text: string): string => digest(text);

/** One id per signup event, never reused: the durable memory that an event was processed. */
export function signupEventWorkflowId(eventId: string): string {
  return `trunk-signup-event-${eventId}`;
}

export const exotelSipDomain = (accountSid: string): string => `${accountSid}.pstn.exotel.com`;

export const connectAppletDialWhom = (trunkSid: string): string => `sip:${trunkSid}`;
