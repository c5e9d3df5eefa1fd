// What a drift scan finds, as data: the kinds of difference, a line's drift state, a scan's report. A leaf, so a
// line's record (domain/line.ts) and the judge (domain/drift.ts) both use it without a cycle.
import type { Direction } from './setup';

/**
 * missing: recorded, not on Exotel. changed: on Exotel with another value (a mapping's mode, a destination's value).
 * extra: on a managed trunk, recorded by nobody. unmanaged-trunk: a trunk of the account no line manages.
 */
export type DriftKind = 'missing' | 'changed' | 'extra' | 'unmanaged-trunk';
export const DRIFT_KINDS: readonly DriftKind[] = ['missing', 'changed', 'extra', 'unmanaged-trunk'];
/** `platform`: the voice-AI platform's side disagrees with Exotel's (its cross-check; reported, never repaired). */
export type DriftPart = 'trunk' | 'number' | 'credential' | 'acl' | 'destination' | 'platform';

export interface Difference {
  kind: DriftKind;
  part: DriftPart;
  trunkSid: string;
  /** What it is about: a DID, a user name, an IP, a destination, a trunk name. */
  item: string;
  expected?: string;
  found?: string;
  /** The line it belongs to (none for an unmanaged trunk). */
  customerId?: string;
  direction?: Direction;
}

/** in-sync: nothing differs. drifted: something does. repairing: a repair runs (set by the line). */
export type DriftState = 'in-sync' | 'drifted' | 'repairing';

export const driftStateOf = (differences: readonly Difference[]): DriftState => (differences.length > 0 ? 'drifted' : 'in-sync');

export interface LineDrift {
  state: DriftState;
  scanId: string;
  at: string;
  differences: Difference[];
}

/** What a scan may spend by default: a fifth of the account's budget, so setups and operations keep the rest. */
export const DEFAULT_DRIFT_SHARE = 0.2;
/** Exotel's ceiling per account (docs: 200 requests a minute), unless the scan is told the account's own. */
export const DEFAULT_REQUESTS_PER_MINUTE = 200;
/** Differences a scan's report lists in full; beyond, it counts them (every line keeps its own). */
export const REPORT_DIFFERENCES_CAP = 1000;

export interface DriftReport {
  exotelAccountSid: string;
  scanId: string;
  startedAt: string;
  finishedAt: string;
  share: number;
  linesScanned: number;
  /** Lines listed that did not answer with their record (no worker serves them): not judged by this scan. */
  linesUnanswered?: number;
  /** Exotel requests the scan's reads cost at most: a list is a request per page of 50 (domain/exotel-paging.ts). */
  reads: number;
  readsPerLine: number;
  byKind: Record<DriftKind, number>;
  driftedLines: number;
  differences: Difference[];
  /** Differences beyond REPORT_DIFFERENCES_CAP, counted but not listed. */
  unlisted: number;
}

export const noDifferencesByKind = (): Record<DriftKind, number> => ({ missing: 0, changed: 0, extra: 0, 'unmanaged-trunk': 0 });
