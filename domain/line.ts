// A customer line: what this project manages on Exotel for one customer in one direction, and who made each part,
// so later operations know what is theirs to change or delete. Pure: the line workflow holds it, the CLI prints it.
import type { LineDrift } from './drift-report';
import type { AccountProvider, PlatformObject } from './platform-side';
import type { AwaitingOps, Direction } from './setup';

/**
 * created: this project made it (a setup or an operation); it may delete it.
 * adopted: made by hand and taken over; deleted only if the adoption said it may be.
 * pre-existing: there before and used as it is (a trunk given to an inbound setup); never deleted.
 */
export type Origin = 'created' | 'adopted' | 'pre-existing';

export interface Owned {
  origin: Origin;
  /** Whether an operation of this project may delete it (created: yes; adopted: as the adoption said). */
  mayDelete: boolean;
  /** ISO time it came under management, and what brought it (`setup`, an operation id, `import`, `adopt`). */
  since: string;
  by: string;
}

export interface LineNumber extends Owned {
  did: string;
  mappingId: string;
  mode: 'pstn' | 'flow' | null;
}

/** Never the password: a credential's password lives only in the result that created it. */
export interface LineCredential extends Owned {
  id: string;
  userName: string;
  /** The rotation generation its user name was made for (0: the setup's). */
  generation: number;
}

export interface LineAclEntry extends Owned {
  id: string;
  ip: string;
}

export interface LineDestination extends Owned {
  id: string;
  /** Normalized `host:port;transport=…`. */
  value: string;
}

/** What the setup made on the voice-AI platform by its API (domain/platform-side.ts), by the account it used. */
export interface LinePlatform {
  provider: AccountProvider;
  account: string;
  objects: (PlatformObject & Owned)[];
}

export interface ManagedLine {
  customerId: string;
  direction: Direction;
  exotelAccountSid: string;
  provider?: string;
  /** Absent when the platform's side is manual (the handoff sheet): nothing there is this project's. */
  platform?: LinePlatform;
  trunk: (Owned & { sid: string; name: string }) | null;
  numbers: LineNumber[];
  credentials: LineCredential[];
  aclEntries: LineAclEntry[];
  destinations: LineDestination[];
  /** A rotation whose new credential waits to be confirmed in use before the old ones are deleted. */
  pendingRotation?: PendingRotation;
  /** Rotations the line starts by itself; `nextAt` is when the next one is queued. */
  rotationPolicy?: { everyDays: number; confirmWithin?: string; onTimeout?: 'keep-both' | 'finish'; nextAt: string };
  /** offboarded: everything this project owned is gone; the line's workflow ends with this record. */
  status: 'active' | 'offboarded';
}

/** What an operation on a line asks for. */
export type LineOperation =
  | { kind: 'add-dids'; dids: string[] }
  | { kind: 'remove-dids'; dids: string[] }
  | { kind: 'set-mode'; did: string; mode: 'pstn' | 'flow' }
  | { kind: 'set-destinations'; destinations: string[] }
  /** confirmWithin: a duration ('7d'); without it the rotation waits for a person's confirm-rotation. */
  | { kind: 'rotate-credential'; confirmWithin?: string; onTimeout?: 'keep-both' | 'finish' }
  /** The platform signs in with the rotation's new credential: the old ones can go. */
  | { kind: 'confirm-rotation' }
  | { kind: 'offboard' }
  /**
   * Takes over a trunk made by hand, found by one of its numbers: the trunk and that number always, plus what
   * `take` names (`number:+91…`, `credential:<user>`, `acl:<ip>`, `destination:<host:port;transport=…>`) or
   * everything (`takeAll`). Nothing adopted is deleted later unless `mayDelete` said so here.
   */
  | { kind: 'adopt'; did: string; trunkSid?: string; take?: string[]; takeAll?: boolean; mayDelete?: boolean }
  /** Moves a number to another managed customer's trunk, routed all the time where Exotel allows two trunks. */
  | { kind: 'move-did'; did: string; toCustomerId: string; toTrunkSid: string }
  /**
   * Puts back what the record has and Exotel lost or changed (numbers mapped again, modes set back, ACL entries and
   * destinations added again) for the kinds named (default missing and changed); with `extra`, also removes what is
   * on the trunk and recorded by nobody. A lost credential or trunk cannot be put back as it was: the plan says what
   * to do instead.
   */
  | { kind: 'repair'; kinds?: RepairKind[] }
  /** Rotates by itself every `everyDays` (null: stops), each rotation as rotate-credential with these settings. */
  | { kind: 'set-rotation-policy'; everyDays: number | null; confirmWithin?: string; onTimeout?: 'keep-both' | 'finish' };

export type RepairKind = 'missing' | 'changed' | 'extra';

export type LineOperationKind = LineOperation['kind'];

export const emptyLine = (customerId: string, direction: Direction, exotelAccountSid: string): ManagedLine => ({
  customerId,
  direction,
  exotelAccountSid,
  trunk: null,
  numbers: [],
  credentials: [],
  aclEntries: [],
  destinations: [],
  status: 'active',
});

/** The parts an operation may delete: what this project made, or adopted with leave to delete. */
export const deletable = <T extends Owned>(items: T[]): T[] => items.filter((i) => i.mayDelete);

/** An operation as asked: by a person (CLI, UI) or a platform's event. */
export interface OperationRequest {
  operation: LineOperation;
  /** Names the operation; asked twice with the same id, it runs once and both are answered with its report. */
  operationId?: string;
  /** The fingerprint of the plan the person saw: if Exotel changed since, nothing runs and the new plan comes back. */
  expectFingerprint?: string;
  /** Required for an operation whose plan is destructive (something stops working for callers). */
  confirm?: boolean;
  /** How long a step that failed for good waits for a person before rolling back by itself (default 24h; 0: at once). */
  opsDecisionTimeout?: string;
}

/**
 * done: executed; refused: nothing to do as asked (see the plan's refusals); stale: Exotel changed since the
 * plan the person saw; needs-confirmation: destructive and not confirmed; awaiting-ops: a step failed for good
 * and waits for a decision; rolled-back: undone after a failure; failed: undone as far as possible, see message.
 */
export type OperationState = 'queued' | 'running' | 'done' | 'refused' | 'stale' | 'needs-confirmation' | 'awaiting-ops' | 'rolled-back' | 'failed';

/** The one secret an operation hands out: the new digest credential of a rotation (never kept in the line). */
export interface IssuedCredential {
  id: string;
  userName: string;
  password: string;
}

export interface OperationReport {
  operationId: string;
  operation: LineOperation;
  state: OperationState;
  message: string;
  at: string;
  plan?: OperationPlanSummary;
  /** What was rolled back after a failure, in words. */
  rolledBack?: string[];
  /** Only in the answer to the person who asked for a rotation; never in the line's query. */
  issuedCredential?: IssuedCredential;
  /** A move that is done: false when Exotel refused the number on two trunks, so it was unrouted for a request. */
  routedThroughout?: boolean;
}

/** A plan as a report keeps it (the full plan type lives in line-plans.ts; this avoids a cycle). */
export interface OperationPlanSummary {
  reads: { method: string; path: string }[];
  steps: { action: string; method?: string; path?: string; effect: string }[];
  refusals: string[];
  notes: string[];
  destructive: boolean;
  fingerprint: string;
  left?: string[];
  unrepaired?: string[];
}

/** A rotation whose new credential exists and waits to be confirmed in use before the old ones go. */
export interface PendingRotation {
  operationId: string;
  userName: string;
  credentialId: string;
  since: string;
  /** When it finishes by itself (onTimeout finish) or stops waiting (keep-both); absent: waits for a person. */
  decideBy?: string;
  onTimeout: 'keep-both' | 'finish';
}

/** What the line's query answers. */
export interface LineView {
  line: ManagedLine;
  /** The operation running now, and while it waits for ops: which step failed, why, and until when. */
  current?: { operationId: string; operation: LineOperation; state: OperationState; awaitingOps?: AwaitingOps };
  queued: { operationId: string; operation: LineOperation }[];
  /** The latest reports, newest last, without secrets. */
  recent: OperationReport[];
  /** What the last drift scan found (absent before the first). */
  drift?: LineDrift;
}



/** What a succeeded setup hands to its line: the resources it made, as the line will own them. */
export function lineFromSetup(
  direction: Direction,
  setup: {
    customerId: string;
    exotelAccountSid: string;
    provider?: string;
    trunkSid: string;
    trunkName?: string;
    trunkCreated: boolean;
    mappingIds: Record<string, string>;
    credential?: { id: string; userName: string };
    aclEntries?: { id: string; ip: string }[];
    destinations?: { id: string; value: string }[];
    platform?: { provider: AccountProvider; account: string; objects: PlatformObject[] };
  },
  at: string,
  by: string,
): ManagedLine {
  const owned = (created: boolean): Owned => ({ origin: created ? 'created' : 'pre-existing', mayDelete: created, since: at, by });
  return {
    ...emptyLine(setup.customerId, direction, setup.exotelAccountSid),
    ...(setup.provider ? { provider: setup.provider } : {}),
    trunk: { ...owned(setup.trunkCreated), sid: setup.trunkSid, name: setup.trunkName ?? setup.trunkSid },
    numbers: Object.entries(setup.mappingIds).map(([did, mappingId]) => ({ ...owned(true), did, mappingId, mode: 'pstn' })),
    credentials: setup.credential ? [{ ...owned(true), ...setup.credential, generation: 0 }] : [],
    aclEntries: (setup.aclEntries ?? []).map((e) => ({ ...owned(true), ...e })),
    destinations: (setup.destinations ?? []).map((d) => ({ ...owned(true), ...d })),
    ...(setup.platform ? { platform: { ...setup.platform, objects: setup.platform.objects.map((o) => ({ ...owned(true), ...o })) } } : {}),
  };
}
