// Plans for the operations on a customer line: from the line's record and what Exotel holds now, exactly the
// requests an operation will send, in order, each with what it changes for callers. Pure, so `trunkctl plan` and
// the execution build the same plan from the same reads, and a plan is data: printable, comparable, testable.
import { deletable, type LineOperation, type ManagedLine, type Owned, type RepairKind } from './line';
import { credentialFriendlyNameFor, exotelSipDomain, fingerprintOf, sipUserNameFor, trunkNameFor } from './naming';
import { diffLine } from './drift';
import type { ObservedTrunk } from './observed';
import type { PlatformObjectKind } from './platform-side';
import { normalizeDestination } from './rules';

export type ObservedPart = 'numbers' | 'credentials' | 'aclEntries' | 'destinations';

/** One request as Exotel receives it (account-relative path; secrets in the body masked) and what it does. */
export interface PlannedRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  body?: Record<string, unknown>;
  /** What it changes for callers, in words: "+919800000001 stops ringing". */
  effect: string;
}

/** A step the line workflow executes; `request` is what it sends on the happy path (none for a wait). */
export type PlanStep =
  | { action: 'map-did'; did: string; request: PlannedRequest }
  | { action: 'unmap-did'; did: string; mappingId: string; request: PlannedRequest }
  | { action: 'set-mode'; did: string; mappingId: string; mode: 'pstn' | 'flow'; request: PlannedRequest }
  | { action: 'add-destinations'; values: string[]; request: PlannedRequest }
  | { action: 'verify-destinations'; values: string[]; request: PlannedRequest }
  | { action: 'delete-destination'; id: string; value: string; request: PlannedRequest }
  | { action: 'create-credential'; userName: string; generation: number; friendlyName: string; request: PlannedRequest }
  | { action: 'await-confirmation'; userName: string; effect: string }
  | { action: 'delete-credential'; id: string; userName: string; request: PlannedRequest }
  | { action: 'delete-acl'; id: string; ip: string; request: PlannedRequest }
  | { action: 'delete-trunk'; trunkSid: string; request: PlannedRequest }
  /** Adopt: the line manages this part from now on; no request. */
  | { action: 'take-over'; part: 'trunk' | 'number' | 'credential' | 'acl' | 'destination'; id: string; label: string; mayDelete: boolean; effect: string }
  /** Move: the number is mapped on the target trunk first (routed on both for a moment). */
  | { action: 'map-did-on-target'; did: string; trunkSid: string; request: PlannedRequest }
  /** Repair: an ACL entry the record has, added again. */
  | { action: 'add-acl'; ip: string; request: PlannedRequest }
  /** Repair: the line's trunk is gone from Exotel; a new one takes its place (later steps act on it). */
  | { action: 'create-trunk'; trunkName: string; request: PlannedRequest }
  /** The line's own rotation schedule changes; no request. */
  | { action: 'set-rotation-policy'; everyDays: number | null; effect: string }
  /** Move: the target line is told it owns the number now; no request. */
  | { action: 'hand-over-did'; did: string; toCustomerId: string; effect: string }
  /** Offboard: an object this project made on the voice-AI platform is deleted there (its API, not Exotel's). */
  | { action: 'delete-platform-object'; kind: PlatformObjectKind; id: string; name: string; effect: string }
  /** Rotation with the platform by API: its trunk signs in as the new credential (closing the loop). */
  | { action: 'update-platform-credential'; objectId: string; userName: string; effect: string; kind?: PlatformObjectKind }
  /** DID changes with the platform by API: its trunk's numbers become these (before an unmap, after a map). */
  | { action: 'set-platform-numbers'; objectId: string; numbers: string[]; previous: string[]; effect: string }
  /** DID changes where the platform holds numbers (Retell, ElevenLabs, Bolna's trunk): a number made there after the map. */
  | { action: 'add-platform-number'; did: string; effect: string }
  /** … and deleted there before the unmap, when this project made it. */
  | { action: 'remove-platform-number'; did: string; effect: string };

export interface OperationPlan {
  operation: LineOperation;
  /** The reads the plan was made from; execution makes them again and re-plans if Exotel changed meanwhile. */
  reads: PlannedRequest[];
  steps: PlanStep[];
  /** Why it cannot be done as asked: nothing is planned then. */
  refusals: string[];
  /** What stays, and why (not this project's to delete, already gone …). */
  notes: string[];
  /** Something stops working for callers: refused without an explicit confirmation. */
  destructive: boolean;
  /** Adopt: what is on the trunk and stays unmanaged, as `take` values (`number:+91…`, `credential:alice` …). */
  left?: string[];
  /** Repair: the differences it does not put back (a lost credential, a kind it was not asked to repair), as notes
   *  also say; none means the line is in sync once it is done. */
  unrepaired?: string[];
  /** Of the reads' answers: two plans with the same fingerprint were made from the same Exotel state. */
  fingerprint: string;
}

/** What each operation needs to read before it can plan. */
export function readsFor(operation: LineOperation): ObservedPart[] {
  switch (operation.kind) {
    case 'add-dids':
    case 'remove-dids':
    case 'set-mode':
      return ['numbers'];
    case 'set-destinations':
      return ['destinations'];
    case 'rotate-credential':
    case 'confirm-rotation':
      return ['credentials'];
    case 'offboard':
    case 'adopt':
    case 'repair':
      return ['credentials', 'numbers', 'aclEntries', 'destinations'];
    case 'move-did':
      return ['numbers'];
    case 'set-rotation-policy':
      return [];
  }
}

const COLLECTION: Record<ObservedPart, string> = {
  numbers: 'phone-numbers',
  credentials: 'credentials',
  aclEntries: 'whitelisted-ips',
  destinations: 'destination-uris',
};

export function readRequests(trunkSid: string, parts: ObservedPart[]): PlannedRequest[] {
  return parts.map((p) => ({ method: 'GET', path: `/trunks/${trunkSid}/${COLLECTION[p]}`, effect: `reads the trunk's ${COLLECTION[p]}` }));
}

/** How a line's operations treat the platform's side. */
export interface PlanOptions {
  /**
   * Rotations, DID changes and moves also change the platform's numbers and credentials where it holds numbers or a
   * trunk with parts (Retell, ElevenLabs, Bolna), not only LiveKit's trunk. False replays operations planned before
   * (workflows/patches.ts platformNumbersOnLines).
   */
  platformNumbers?: boolean;
}

export function planOperation(line: ManagedLine, operation: LineOperation, observed: ObservedTrunk | null, { platformNumbers = true }: PlanOptions = {}): OperationPlan {
  const base = {
    operation,
    reads: line.trunk ? readRequests(line.trunk.sid, readsFor(operation)) : [],
    fingerprint: fingerprintOf(canonical(observed)),
  };
  const refuse = (...refusals: string[]): OperationPlan => ({ ...base, steps: [], refusals, notes: [], destructive: false });
  if (line.status === 'offboarded') {
    return operation.kind === 'offboard'
      ? { ...base, steps: [], refusals: [], notes: ['already offboarded: nothing left to delete'], destructive: false }
      : refuse(`${line.customerId} (${line.direction}) was offboarded: set it up again first`);
  }
  if (operation.kind === 'adopt') return { ...base, reads: adoptReads(operation, observed), ...planAdopt(line, operation, observed) };
  if (operation.kind === 'repair' && line.trunk && !observed) return { ...base, ...planRecreate(line, new Set(operation.kinds ?? ['missing', 'changed'])) };
  if (!line.trunk || !observed) {
    return operation.kind === 'offboard'
      ? { ...base, steps: [], refusals: [], notes: ['nothing was ever set up: nothing to delete'], destructive: false }
      : refuse(`${line.customerId} (${line.direction}) has no trunk under management`);
  }
  const trunk = { sid: line.trunk.sid, line, observed, platformNumbers };
  switch (operation.kind) {
    case 'add-dids':
      return { ...base, ...withPlatformNumbers(trunk, planAddDids(trunk, operation.dids), 'after') };
    case 'remove-dids':
      return { ...base, ...withPlatformNumbers(trunk, planRemoveDids(trunk, operation.dids), 'before') };
    case 'set-mode':
      return { ...base, ...planSetMode(trunk, operation.did, operation.mode) };
    case 'set-destinations':
      return { ...base, ...planSetDestinations(trunk, operation.destinations) };
    case 'rotate-credential':
      return { ...base, ...planRotation(trunk) };
    case 'confirm-rotation':
      return { ...base, ...planRotationConfirmed(trunk) };
    case 'offboard':
      return { ...base, ...planOffboard(trunk) };
    case 'move-did':
      return { ...base, reads: [...base.reads, ...readRequests(operation.toTrunkSid, ['numbers'])], ...(platformNumbers ? withPlatformNumbers(trunk, planMove(trunk, operation), 'before') : planMove(trunk, operation)) };
    case 'set-rotation-policy':
      return { ...base, ...planRotationPolicy(line, operation) };
    case 'repair':
      return { ...base, ...planRepair(trunk, new Set(operation.kinds ?? ['missing', 'changed'])) };
  }
}

/**
 * What the record has and the trunk lost or changed, put back; what the trunk has and nobody recorded, removed only
 * when asked. Judged by domain/drift.ts, so a repair acts on exactly what a scan reports.
 */
function planRepair({ sid, line, observed }: TrunkContext, kinds: ReadonlySet<RepairKind>): Planned {
  const steps: PlanStep[] = [];
  const notes: string[] = [];
  const path = (collection: string) => `/trunks/${sid}/${collection}`;
  const stops = (did: string) => (line.direction === 'inbound' ? `${did} stops ringing` : `${did} can no longer be the caller id`);
  const missingDestinations: string[] = [];
  const unrepaired: string[] = [];
  const leave = (note: string) => {
    notes.push(note);
    unrepaired.push(note);
  };
  const removeExtra = kinds.has('extra');
  for (const d of diffLine(line, observed)) {
    if (d.kind !== 'extra' && d.kind !== 'unmanaged-trunk' && !kinds.has(d.kind)) {
      leave(`${d.kind} ${d.part} ${d.item}: not repaired (only ${[...kinds].join(', ')})`);
    } else if (d.kind === 'missing' && d.part === 'number') {
      steps.push({ action: 'map-did', did: d.item, request: { method: 'POST', path: path('phone-numbers'), body: { phone_number: d.item, mode: 'pstn' }, effect: `${d.item} ${reaches(line)} again` } });
    } else if (d.kind === 'changed' && d.part === 'number') {
      const mapping = (observed.numbers ?? []).find((n) => n.phoneNumber === d.item);
      const mode = d.expected === 'flow' ? 'flow' : 'pstn';
      if (mapping) steps.push({ action: 'set-mode', did: d.item, mappingId: mapping.id, mode, request: { method: 'PUT', path: `${path('phone-numbers')}/${mapping.id}`, body: { phone_number: d.item, mode }, effect: `calls to ${d.item} go to the ${mode === 'pstn' ? 'SIP trunk' : 'Exotel flow'} again` } });
    } else if (d.kind === 'missing' && d.part === 'acl') {
      steps.push({ action: 'add-acl', ip: d.item, request: { method: 'POST', path: path('whitelisted-ips'), body: { ip: d.item, mask: 32 }, effect: `${d.item} is allowlisted again` } });
    } else if ((d.kind === 'missing' || d.kind === 'changed') && d.part === 'destination') {
      missingDestinations.push(d.item);
    } else if (d.kind === 'missing' && d.part === 'credential') {
      leave(`credential ${d.item} is gone and cannot be made again with its password: rotate-credential makes a new one for the platform to take`);
    } else if (d.kind === 'extra' && !removeExtra) {
      leave(`${d.part} ${d.item} is on the trunk and recorded by nobody: it stays (repair with kind extra removes it)`);
    } else if (d.kind === 'extra') {
      if (d.part === 'number') {
        const n = (observed.numbers ?? []).find((o) => o.phoneNumber === d.item);
        if (n) steps.push({ action: 'unmap-did', did: d.item, mappingId: n.id, request: { method: 'DELETE', path: `${path('phone-numbers')}?id=${n.id}`, effect: stops(d.item) } });
      } else if (d.part === 'credential') {
        const c = (observed.credentials ?? []).find((o) => o.userName === d.item);
        if (c) steps.push({ action: 'delete-credential', id: c.id, userName: d.item, request: { method: 'DELETE', path: `${path('credentials')}?id=${c.id}`, effect: `${d.item} stops working` } });
      } else if (d.part === 'acl') {
        const e = (observed.aclEntries ?? []).find((o) => o.ip === d.item);
        if (e) steps.push({ action: 'delete-acl', id: e.id, ip: d.item, request: { method: 'DELETE', path: `${path('whitelisted-ips')}?id=${e.id}`, effect: `${d.item} is no longer allowlisted` } });
      } else if (d.part === 'destination') {
        const e = (observed.destinations ?? []).find((o) => normalizeDestination(o.destination) === d.item);
        if (e) steps.push({ action: 'delete-destination', id: e.id, value: d.item, request: { method: 'DELETE', path: `${path('destination-uris')}?id=${e.id}`, effect: `calls no longer go to ${d.item}` } });
      }
    }
  }
  if (missingDestinations.length > 0) {
    // Added (and read back) before any extra destination goes, like set-destinations.
    const adds: PlanStep[] = [
      { action: 'add-destinations', values: missingDestinations, request: { method: 'POST', path: path('destination-uris'), body: { destinations: missingDestinations.map((destination) => ({ destination })) }, effect: `calls may go to ${missingDestinations.join(', ')} again` } },
      { action: 'verify-destinations', values: missingDestinations, request: { method: 'GET', path: path('destination-uris'), effect: 'reads the destinations back' } },
    ];
    const firstDelete = steps.findIndex((s) => s.action === 'delete-destination');
    steps.splice(firstDelete < 0 ? steps.length : firstDelete, 0, ...adds);
  }
  // Credentials are deleted last: nothing can bring one back.
  steps.sort((a, b) => Number(a.action === 'delete-credential') - Number(b.action === 'delete-credential'));
  if (steps.length === 0 && notes.length === 0) notes.push('the trunk holds what the line records: nothing to repair');
  return { steps, refusals: [], notes, unrepaired, destructive: steps.some((s) => s.action.startsWith('delete') || s.action === 'unmap-did') };
}

/** Where a new trunk's requests go before Exotel names it: the plan says so in its paths. */
export const NEW_TRUNK = '{new trunk}';

/**
 * The line's trunk is gone (deleted in the console or by an old script; Exotel deletes its numbers, ACL entries and
 * destinations with it): a new trunk with everything the record has. Credentials cannot come back with their
 * passwords, so the plan says to rotate, which makes one for the platform to take.
 */
function planRecreate(line: ManagedLine, kinds: ReadonlySet<RepairKind>): Planned {
  const gone = line.trunk?.name ?? '';
  if (!kinds.has('missing')) {
    const note = `missing trunk ${gone}: not repaired (only ${[...kinds].join(', ')})`;
    return { steps: [], refusals: [], notes: [note], unrepaired: [note], destructive: false };
  }
  const trunkName = trunkNameFor(line.customerId, line.direction);
  const path = (collection: string) => `/trunks/${NEW_TRUNK}/${collection}`;
  const steps: PlanStep[] = [
    {
      action: 'create-trunk',
      trunkName,
      request: { method: 'POST', path: '/trunks', body: { trunk_name: trunkName, nso_code: 'ANY-ANY', domain_name: exotelSipDomain(line.exotelAccountSid) }, effect: `a trunk for ${line.customerId} again, in place of ${gone}` },
    },
  ];
  for (const n of line.numbers) {
    steps.push({ action: 'map-did', did: n.did, request: { method: 'POST', path: path('phone-numbers'), body: { phone_number: n.did, mode: 'pstn' }, effect: `${n.did} ${reaches(line)} again` } });
    if (n.mode === 'flow') {
      // Its mapping id is Exotel's answer to the step before.
      steps.push({ action: 'set-mode', did: n.did, mappingId: '', mode: 'flow', request: { method: 'PUT', path: `${path('phone-numbers')}/{mapping}`, body: { phone_number: n.did, mode: 'flow' }, effect: `calls to ${n.did} go to the Exotel flow again` } });
    }
  }
  for (const e of line.aclEntries) steps.push({ action: 'add-acl', ip: e.ip, request: { method: 'POST', path: path('whitelisted-ips'), body: { ip: e.ip, mask: 32 }, effect: `${e.ip} is allowlisted again` } });
  const values = line.destinations.map((d) => d.value);
  if (values.length > 0) {
    steps.push(
      { action: 'add-destinations', values, request: { method: 'POST', path: path('destination-uris'), body: { destinations: values.map((destination) => ({ destination })) }, effect: `calls may go to ${values.join(', ')} again` } },
      { action: 'verify-destinations', values, request: { method: 'GET', path: path('destination-uris'), effect: 'reads the destinations back' } },
    );
  }
  const notes = [`trunk ${gone} (${line.trunk?.sid ?? ''}) is not on Exotel any more: a new one replaces it`];
  if (line.trunk && line.trunk.origin !== 'created') notes.push(`${gone} was ${line.trunk.origin}; the new trunk is this project's`);
  const unrepaired = line.credentials.map((c) => `credential ${c.userName} went with the trunk and cannot be made again with its password: rotate-credential afterwards makes a new one for the platform to take`);
  return { steps, refusals: [], notes: [...notes, ...unrepaired], unrepaired, destructive: false };
}

function planRotationPolicy(line: ManagedLine, operation: Extract<LineOperation, { kind: 'set-rotation-policy' }>): Planned {
  if (line.direction !== 'outbound') return { steps: [], refusals: ['digest credentials belong to outbound lines'], notes: [], destructive: false };
  const { everyDays } = operation;
  const effect =
    everyDays === null
      ? 'the line stops rotating its credential by itself'
      : `the line rotates its credential every ${everyDays} days from now (each rotation keeps the old credential until confirmed${operation.onTimeout === 'finish' ? `, or until ${operation.confirmWithin ?? ''} pass` : ''})`;
  return { steps: [{ action: 'set-rotation-policy', everyDays, effect }], refusals: [], notes: [], destructive: false };
}

interface TrunkContext {
  sid: string;
  line: ManagedLine;
  observed: ObservedTrunk;
  /** PlanOptions.platformNumbers. */
  platformNumbers?: boolean;
}

type Planned = Pick<OperationPlan, 'steps' | 'refusals' | 'notes' | 'destructive' | 'left' | 'unrepaired'>;

const numbersPath = (sid: string) => `/trunks/${sid}/phone-numbers`;

/** What a number on this line means for callers, by direction. */
function reaches(line: ManagedLine): string {
  return line.direction === 'inbound'
    ? `rings to ${line.destinations.map((d) => d.value).join(', ') || 'the trunk (no destination yet)'}`
    : 'can be the caller id of calls from the platform';
}

/**
 * Where the line manages the platform's trunk, its numbers follow Exotel's: set after the numbers are mapped (the
 * platform takes calls only for what Exotel routes), and before they are unmapped (the platform stops using them first).
 */
function withPlatformNumbers(context: TrunkContext, planned: Planned, when: 'before' | 'after'): Planned {
  const { line } = context;
  if (planned.steps.length === 0 || planned.refusals.length > 0) return planned;
  const trunk = line.platform?.objects.find((o) => o.kind === 'livekit-outbound-trunk' || o.kind === 'livekit-inbound-trunk');
  if (!trunk) return withPlatformNumberObjects(context, planned, when);
  const previous = line.numbers.map((n) => n.did);
  const mapped = planned.steps.flatMap((s) => (s.action === 'map-did' ? [s.did] : []));
  const unmapped = new Set(planned.steps.flatMap((s) => (s.action === 'unmap-did' ? [s.did] : [])));
  const numbers = [...previous.filter((d) => !unmapped.has(d)), ...mapped];
  if (numbers.length === 0) return { ...planned, steps: [], refusals: [`that is every number of the line, and LiveKit's trunk ${trunk.name} needs one: offboard the customer instead`] };
  const step: PlanStep = { action: 'set-platform-numbers', objectId: trunk.id, numbers, previous, effect: `LiveKit trunk ${trunk.name} takes ${numbers.join(', ') || 'no number'}` };
  return { ...planned, steps: when === 'before' ? [step, ...planned.steps] : [...planned.steps, step] };
}

/** The platforms whose objects are the numbers themselves, or hang a number off a trunk. */
const NUMBER_OBJECTS: Partial<Record<PlatformObjectKind, string>> = { 'retell-phone-number': 'Retell', 'elevenlabs-phone-number': 'ElevenLabs', 'bolna-trunk': 'Bolna' };

/**
 * Where the platform holds each number (Retell, ElevenLabs, a Bolna trunk's numbers), a number is made there after
 * Exotel maps it and deleted there after Exotel unmaps it. Retell's and ElevenLabs' numbers each carry the digest
 * password, which this project never keeps: an outbound line's new number comes with a new credential that every
 * number then signs in with (a rotation, in the same operation), and the older credentials go.
 */
function withPlatformNumberObjects(context: TrunkContext, planned: Planned, when: 'before' | 'after'): Planned {
  const { line } = context;
  if (context.platformNumbers === false) return planned;
  const holder = line.platform?.objects.find((o) => NUMBER_OBJECTS[o.kind]);
  const platform = holder && NUMBER_OBJECTS[holder.kind];
  if (line.platform?.objects.some((o) => o.kind === 'atoms-phone-number')) {
    // Atoms takes a number only with the digest password (never kept here), and deletes none by API.
    const dids = planned.steps.flatMap((s) => (s.action === 'map-did' || s.action === 'unmap-did' ? [s.did] : []));
    const todo = when === 'after' ? 'import it in the Atoms dashboard with the line\'s digest user and password' : 'remove it in the Atoms dashboard';
    return dids.length > 0 ? { ...planned, notes: [...planned.notes, `Atoms cannot take or give up ${dids.join(', ')} by API: ${todo}`] } : planned;
  }
  if (!holder || !platform) return planned;
  if (when === 'before') {
    // After the unmaps, unlike LiveKit's numbers: a platform's delete cannot always be undone (a number carries a
    // password), so it comes last, and a failure before it leaves both sides as they were.
    const removed = planned.steps.flatMap((s): PlanStep[] =>
      s.action === 'unmap-did' ? [{ action: 'remove-platform-number', did: s.did, effect: `${platform} no longer holds ${s.did} (when this project made it there)` }] : [],
    );
    return { ...planned, steps: [...planned.steps, ...removed] };
  }
  const added = planned.steps.flatMap((s): PlanStep[] => (s.action === 'map-did' ? [{ action: 'add-platform-number', did: s.did, effect: `${platform} holds ${s.did} like the line's other numbers` }] : []));
  if (added.length === 0 || holder.kind === 'bolna-trunk' || line.direction !== 'outbound') return { ...planned, steps: [...planned.steps, ...added] };
  const rotation = planRotation(context);
  if (rotation.refusals.length > 0) return { ...planned, steps: [], refusals: rotation.refusals };
  const [create, ...rest] = rotation.steps;
  const deletes = rest.filter((r) => r.action === 'delete-credential');
  const updates = rest.filter((r) => r.action === 'update-platform-credential');
  const notes = [...planned.notes, `${platform} takes a new number only with the digest password, which this project does not keep: a new credential is made for every number of the line, and the older ones go`];
  return { ...planned, notes: [...notes, ...rotation.notes], steps: [...planned.steps, ...(create ? [create] : []), ...updates, ...added, ...deletes] };
}

function planAddDids({ sid, line, observed }: TrunkContext, dids: string[]): Planned {
  const refusals: string[] = [];
  const notes: string[] = [];
  const steps: PlanStep[] = [];
  const onTrunk = new Set((observed.numbers ?? []).map((n) => n.phoneNumber));
  for (const did of dids) {
    if (line.numbers.some((n) => n.did === did)) notes.push(`${did} is on this line already`);
    else if (onTrunk.has(did)) notes.push(`${did} is on the trunk already (not made by this line): it is recorded as there before, and never unmapped`);
    else {
      steps.push({
        action: 'map-did',
        did,
        request: { method: 'POST', path: numbersPath(sid), body: { phone_number: did, mode: 'pstn' }, effect: `${did} ${reaches(line)}` },
      });
    }
  }
  if (dids.length === 0) refusals.push('dids: name at least one number');
  return { steps, refusals, notes, destructive: false };
}

function planRemoveDids({ sid, line, observed }: TrunkContext, dids: string[]): Planned {
  const refusals: string[] = [];
  const notes: string[] = [];
  const steps: PlanStep[] = [];
  for (const did of dids) {
    const managed = line.numbers.find((n) => n.did === did);
    const mapping = (observed.numbers ?? []).find((n) => n.phoneNumber === did);
    if (!managed) refusals.push(`${did} is not on this line`);
    else if (!managed.mayDelete) refusals.push(`${did} was not mapped by this project (${managed.origin}): it is left alone`);
    else if (!mapping) notes.push(`${did} is no longer on the trunk: only the line's record changes`);
    else {
      const stops = line.direction === 'inbound' ? 'stops ringing: calls to it fail' : 'can no longer be the caller id';
      steps.push({
        action: 'unmap-did',
        did,
        mappingId: mapping.id,
        request: { method: 'DELETE', path: `${numbersPath(sid)}?id=${mapping.id}`, effect: `${did} ${stops}` },
      });
    }
  }
  if (dids.length === 0) refusals.push('dids: name at least one number');
  return { steps, refusals: refusals, notes, destructive: steps.length > 0 };
}

function planSetMode({ sid, line, observed }: TrunkContext, did: string, mode: 'pstn' | 'flow'): Planned {
  const mapping = (observed.numbers ?? []).find((n) => n.phoneNumber === did);
  if (!line.numbers.some((n) => n.did === did) || !mapping) return { steps: [], refusals: [`${did} is not on this line's trunk`], notes: [], destructive: false };
  if (mapping.mode === mode) return { steps: [], refusals: [], notes: [`${did} is in mode ${mode} already`], destructive: false };
  const effect = mode === 'flow' ? `calls to ${did} go to its Exotel flow instead of the SIP trunk` : `calls to ${did} go to the SIP trunk`;
  return {
    steps: [{ action: 'set-mode', did, mappingId: mapping.id, mode, request: { method: 'PUT', path: `${numbersPath(sid)}/${mapping.id}`, body: { phone_number: did, mode }, effect } }],
    refusals: [],
    notes: [],
    destructive: true,
  };
}

/** New destinations first, read back, then the old ones removed: never a moment with none. */
function planSetDestinations({ sid, line, observed }: TrunkContext, asked: string[]): Planned {
  if (line.direction !== 'inbound') return { steps: [], refusals: ['destinations belong to inbound lines'], notes: [], destructive: false };
  const wanted = [...new Set(asked.map(normalizeDestination))];
  if (wanted.length === 0) return { steps: [], refusals: ['destinations: an inbound trunk needs at least one'], notes: [], destructive: false };
  const present = observed.destinations ?? [];
  const missing = wanted.filter((w) => !present.some((p) => normalizeDestination(p.destination) === w));
  const ours = new Set(deletable(line.destinations).map((d) => d.id));
  const unwanted = present.filter((p) => !wanted.includes(normalizeDestination(p.destination)));
  const path = `/trunks/${sid}/destination-uris`;
  const dids = line.numbers.map((n) => n.did).join(', ') || 'the trunk';
  const steps: PlanStep[] = [];
  const notes: string[] = [];
  if (missing.length > 0) {
    steps.push({
      action: 'add-destinations',
      values: missing,
      request: { method: 'POST', path, body: { destinations: missing.map((destination) => ({ destination })) }, effect: `calls to ${dids} may go to ${missing.join(', ')}` },
    });
    steps.push({ action: 'verify-destinations', values: wanted, request: { method: 'GET', path, effect: 'reads the destinations back: the new ones must be there before any old one goes' } });
  }
  for (const p of unwanted) {
    if (!ours.has(p.id)) {
      notes.push(`${normalizeDestination(p.destination)} stays: this project did not add it`);
      continue;
    }
    steps.push({
      action: 'delete-destination',
      id: p.id,
      value: normalizeDestination(p.destination),
      request: { method: 'DELETE', path: `${path}?id=${p.id}`, effect: `calls no longer go to ${normalizeDestination(p.destination)}` },
    });
  }
  if (steps.length === 0) notes.push('the trunk has exactly these destinations already');
  return { steps, refusals: [], notes, destructive: steps.some((s) => s.action === 'delete-destination') };
}

/**
 * A second credential next to the first: the platform may sign in with either until confirm-rotation deletes the
 * old ones, so at no moment does the trunk have no working credential.
 */
function planRotation({ sid, line, platformNumbers }: TrunkContext): Planned {
  if (line.direction !== 'outbound') return { steps: [], refusals: ['digest credentials belong to outbound lines'], notes: [], destructive: false };
  if (line.pendingRotation) {
    return {
      steps: [],
      refusals: [`a rotation to ${line.pendingRotation.userName} waits for confirmation since ${line.pendingRotation.since}: confirm-rotation first`],
      notes: [],
      destructive: false,
    };
  }
  const generation = Math.max(0, ...line.credentials.map((c) => c.generation)) + 1;
  const userName = sipUserNameFor(line.customerId, generation);
  const friendlyName = credentialFriendlyNameFor(line.customerId);
  const steps: PlanStep[] = [
    {
      action: 'create-credential',
      userName,
      generation,
      friendlyName,
      request: {
        method: 'POST',
        path: `/trunks/${sid}/credentials`,
        body: { user_name: userName, password: '***', friendly_name: friendlyName },
        effect: `the platform may also sign in as ${userName}; the current credentials keep working until confirm-rotation`,
      },
    },
    { action: 'await-confirmation', userName, effect: `waits until someone confirms the platform signs in as ${userName}` },
  ];
  const signers = (line.platform?.objects ?? []).filter((o) => (platformNumbers === false ? o.kind === 'livekit-outbound-trunk' : SIGNS_IN.includes(o.kind)));
  if (signers.length === 0) {
    const atoms = line.platform?.objects.some((o) => o.kind === 'atoms-phone-number');
    const notes = atoms ? [`Atoms cannot be given a credential by API: enter ${userName} and its password in the Atoms dashboard, then confirm-rotation`] : [];
    return { steps, refusals: [], notes, destructive: false };
  }
  // The platform is configured by API: the loop closes here, nobody has to confirm. New credential, the platform
  // signs in with it (each object that dials Exotel, read back), then the older ones go.
  const [create] = steps;
  const old = deletable(line.credentials);
  const closed: PlanStep[] = [
    ...(create ? [create] : []),
    ...signers.map(
      (o): PlanStep => ({
        action: 'update-platform-credential',
        kind: o.kind,
        objectId: o.id,
        userName,
        effect: `${SIGNER_NAMES[o.kind] ?? o.kind} ${o.kind === 'livekit-outbound-trunk' || o.kind === 'bolna-trunk' ? o.name : o.id} signs in as ${userName} from its next call (read back)`,
      }),
    ),
    ...old.map((c) => deleteCredentialStep(sid, c, `${c.userName} stops working: the platform no longer uses it`)),
  ];
  const notes = line.credentials.filter((c) => !c.mayDelete).map((c) => `${c.userName} stays: this project did not create it`);
  return { steps: closed, refusals: [], notes, destructive: false };
}

/** The platform objects that dial Exotel as its digest user: a rotation gives each the new credential. */
const SIGNS_IN: readonly PlatformObjectKind[] = ['livekit-outbound-trunk', 'bolna-trunk', 'retell-phone-number', 'elevenlabs-phone-number'];
export const SIGNER_NAMES: Partial<Record<PlatformObjectKind, string>> = {
  'livekit-outbound-trunk': 'LiveKit trunk',
  'bolna-trunk': 'Bolna trunk',
  'retell-phone-number': 'Retell number',
  'elevenlabs-phone-number': 'ElevenLabs number',
};

const deleteCredentialStep = (sid: string, c: { id: string; userName: string }, effect: string): PlanStep => ({
  action: 'delete-credential',
  id: c.id,
  userName: c.userName,
  request: { method: 'DELETE', path: `/trunks/${sid}/credentials?id=${c.id}`, effect },
});

/** The rotation's new credential is in use: every older one this project made goes. */
function planRotationConfirmed({ sid, line, observed }: TrunkContext): Planned {
  const pending = line.pendingRotation;
  if (!pending) return { steps: [], refusals: ['no rotation waits for confirmation'], notes: [], destructive: false };
  const present = observed.credentials ?? [];
  if (!present.some((p) => p.id === pending.credentialId)) {
    return {
      steps: [],
      refusals: [`the new credential ${pending.userName} (${pending.credentialId}) is no longer on the trunk: the old ones stay, rotate again`],
      notes: [],
      destructive: false,
    };
  }
  const old = deletable(line.credentials).filter((c) => c.id !== pending.credentialId && present.some((p) => p.id === c.id));
  const steps = old.map((c) => deleteCredentialStep(sid, c, `${c.userName} stops working: calls still signed with it fail`));
  const notes = line.credentials.filter((c) => !c.mayDelete).map((c) => `${c.userName} stays: this project did not create it`);
  if (steps.length === 0) notes.push('no older credential of this project is left on the trunk');
  return { steps, refusals: [], notes, destructive: steps.length > 0 };
}

/**
 * Credentials first (a trunk's delete does not take them), then ACL entries, destinations and mappings, each
 * explicitly (whether a trunk's delete takes them is not documented: not relied on), then the trunk when it is
 * this project's and nothing of anyone else's is left on it. A not-found counts as done.
 */
/** Every kind but Atoms' numbers can be deleted by the platform's API. */
const PLATFORM_DELETABLE = (kind: PlatformObjectKind): boolean => kind !== 'atoms-phone-number';

function planOffboard({ sid, line, observed }: TrunkContext): Planned {
  const notes: string[] = [];
  // The platform stops using Exotel before Exotel's side goes: newest first (a dispatch rule before its trunk).
  const steps: PlanStep[] = [...(line.platform?.objects ?? [])].reverse().flatMap((o): PlanStep[] => {
    if (!o.mayDelete) {
      notes.push(`${o.kind} ${o.name} stays: this project did not make it`);
      return [];
    }
    if (!PLATFORM_DELETABLE(o.kind)) {
      notes.push(`${o.kind} ${o.name} (${o.id}) stays imported: Atoms has no delete by API, remove it in the Atoms dashboard`);
      return [];
    }
    // A platform's number (Retell, ElevenLabs) or Bolna's trunk serves both directions of the customer.
    const both = o.kind.endsWith('-phone-number') || o.kind === 'bolna-trunk' || o.kind === 'bolna-number' ? ': calls through it stop there in both directions' : '';
    return [{ action: 'delete-platform-object', kind: o.kind, id: o.id, name: o.name, effect: `${o.kind.replace(/-/g, ' ')} ${o.name} (${o.id}) is deleted on the platform${both}` }];
  });
  const path = (collection: string, id: string) => `/trunks/${sid}/${collection}?id=${id}`;
  const ours = <T extends Owned & { id: string }>(items: T[]) => new Set(deletable(items).map((o) => o.id));
  const stops = (did: string) => (line.direction === 'inbound' ? `${did} stops ringing` : `${did} can no longer be the caller id`);
  let foreign = 0;

  const credentials = ours(line.credentials);
  for (const c of observed.credentials ?? []) {
    if (credentials.has(c.id)) {
      steps.push({ action: 'delete-credential', id: c.id, userName: c.userName, request: { method: 'DELETE', path: path('credentials', c.id), effect: `${c.userName} stops working` } });
    } else {
      foreign++;
      notes.push(`credential ${c.userName} stays: this project did not create it`);
    }
  }
  const acl = ours(line.aclEntries);
  for (const e of observed.aclEntries ?? []) {
    if (acl.has(e.id)) steps.push({ action: 'delete-acl', id: e.id, ip: e.ip, request: { method: 'DELETE', path: path('whitelisted-ips', e.id), effect: `${e.ip} is no longer allowlisted` } });
    else {
      foreign++;
      notes.push(`allowlisted ${e.ip} stays: this project did not add it`);
    }
  }
  const destinations = ours(line.destinations);
  for (const d of observed.destinations ?? []) {
    const value = normalizeDestination(d.destination);
    if (destinations.has(d.id)) steps.push({ action: 'delete-destination', id: d.id, value, request: { method: 'DELETE', path: path('destination-uris', d.id), effect: `calls no longer go to ${value}` } });
    else {
      foreign++;
      notes.push(`destination ${value} stays: this project did not add it`);
    }
  }
  const numbers = new Set(deletable(line.numbers).map((n) => n.did));
  for (const n of observed.numbers ?? []) {
    if (numbers.has(n.phoneNumber)) steps.push({ action: 'unmap-did', did: n.phoneNumber, mappingId: n.id, request: { method: 'DELETE', path: path('phone-numbers', n.id), effect: stops(n.phoneNumber) } });
    else {
      foreign++;
      notes.push(`${n.phoneNumber} stays: this project did not map it`);
    }
  }
  const name = line.trunk?.name ?? sid;
  if (line.trunk?.mayDelete !== true) notes.push(`trunk ${name} stays: this project did not create it`);
  else if (foreign > 0) notes.push(`trunk ${name} stays: it carries what this project did not make`);
  else steps.push({ action: 'delete-trunk', trunkSid: sid, request: { method: 'DELETE', path: `/trunks?trunk_sid=${sid}`, effect: `trunk ${name} is deleted` } });
  return { steps, refusals: [], notes, destructive: steps.length > 0 };
}

/** The reads adopt makes: the number's trunk (trunk-maps, or every trunk's numbers where that path is missing), then its parts. */
function adoptReads(operation: Extract<LineOperation, { kind: 'adopt' }>, observed: ObservedTrunk | null): PlannedRequest[] {
  const lookup: PlannedRequest[] = operation.trunkSid
    ? [{ method: 'GET', path: `/trunks?trunk_sid=${operation.trunkSid}`, effect: 'reads the trunk named' }]
    : [{ method: 'GET', path: `/trunk-maps?exophone=${encodeURIComponent(operation.did)}`, effect: `finds the trunk ${operation.did} is on` }];
  if (observed?.found?.via === 'listing') lookup.push({ method: 'GET', path: '/trunks', effect: 'trunk-maps is not answered: lists every trunk and its numbers' });
  else if (observed && !operation.trunkSid) lookup.push({ method: 'GET', path: `/trunks?trunk_sid=${observed.trunkSid}`, effect: 'reads the trunk found' });
  return observed ? [...lookup, ...readRequests(observed.trunkSid, readsFor(operation))] : lookup;
}

/** Takes over a trunk made by hand: only what the person named (or all of it), each marked whether it may ever be deleted. */
function planAdopt(line: ManagedLine, operation: Extract<LineOperation, { kind: 'adopt' }>, observed: ObservedTrunk | null): Planned {
  const refuse = (reason: string): Planned => ({ steps: [], refusals: [reason], notes: [], destructive: false });
  if (line.trunk && line.status === 'active') return refuse(`${line.customerId} (${line.direction}) manages trunk ${line.trunk.name} already: offboard it first or adopt under another customer id`);
  const candidates = observed?.found?.candidates ?? [];
  if (!observed || candidates.length === 0) return refuse(`${operation.did} is on no trunk of account ${line.exotelAccountSid}: there is nothing to adopt`);
  if (candidates.length > 1 && !operation.trunkSid) return refuse(`${operation.did} is on ${candidates.length} trunks (${candidates.join(', ')}): name one with trunkSid`);
  const mayDelete = operation.mayDelete === true;
  const keep = mayDelete ? 'may be deleted by a later offboard' : 'never deleted by this project';
  const wanted = new Set(operation.take ?? []);
  const taken = (part: string) => operation.takeAll === true || wanted.has(part);
  const steps: PlanStep[] = [];
  const notes: string[] = [];
  const name = observed.found?.trunkName ?? observed.trunkSid;
  steps.push({ action: 'take-over', part: 'trunk', id: observed.trunkSid, label: name, mayDelete, effect: `trunk ${name} is managed from now on (${keep})` });
  const left: string[] = [];
  for (const n of observed.numbers ?? []) {
    if (n.phoneNumber === operation.did || taken(`number:${n.phoneNumber}`)) {
      steps.push({ action: 'take-over', part: 'number', id: n.id, label: n.phoneNumber, mayDelete, effect: `${n.phoneNumber} is managed from now on (${keep})` });
    } else left.push(`number:${n.phoneNumber}`);
  }
  if (!(observed.numbers ?? []).some((n) => n.phoneNumber === operation.did)) return refuse(`${operation.did} is not on trunk ${name}`);
  for (const c of observed.credentials ?? []) {
    if (taken(`credential:${c.userName}`)) steps.push({ action: 'take-over', part: 'credential', id: c.id, label: c.userName, mayDelete, effect: `credential ${c.userName} is managed from now on (${keep}; its password stays unknown here)` });
    else left.push(`credential:${c.userName}`);
  }
  for (const e of observed.aclEntries ?? []) {
    if (taken(`acl:${e.ip}`)) steps.push({ action: 'take-over', part: 'acl', id: e.id, label: e.ip, mayDelete, effect: `allowlisted ${e.ip} is managed from now on (${keep})` });
    else left.push(`acl:${e.ip}`);
  }
  for (const d of observed.destinations ?? []) {
    const value = normalizeDestination(d.destination);
    if (taken(`destination:${value}`) || taken(`destination:${d.destination}`)) steps.push({ action: 'take-over', part: 'destination', id: d.id, label: value, mayDelete, effect: `destination ${value} is managed from now on (${keep})` });
    else left.push(`destination:${value}`);
  }
  const unknown = [...wanted].filter((w) => !steps.some((s) => s.action === 'take-over' && `${s.part}:${s.label}` === w) && !w.startsWith('destination:'));
  if (unknown.length > 0) return refuse(`not on trunk ${name}: ${unknown.join(', ')}`);
  if (left.length > 0) notes.push(`left as they are, not managed (take them with take or takeAll): ${left.join(', ')}`);
  return { steps, refusals: [], notes, destructive: false, left };
}

/**
 * Mapped on the target trunk first, then unmapped here: routed at every moment where Exotel lets a number sit on
 * two trunks. Where it refuses that (1008, the reading the simulator's numberScope 'account' models [I]), the
 * number is unmapped here first and mapped there right after: unrouted for about one request, and the report says so.
 */
function planMove({ sid, line, observed }: TrunkContext, operation: Extract<LineOperation, { kind: 'move-did' }>): Planned {
  const refuse = (reason: string): Planned => ({ steps: [], refusals: [reason], notes: [], destructive: false });
  const managed = line.numbers.find((n) => n.did === operation.did);
  const mapping = (observed.numbers ?? []).find((n) => n.phoneNumber === operation.did);
  if (operation.toTrunkSid === sid) return refuse(`${operation.did} is on trunk ${sid} already`);
  if (operation.toCustomerId === line.customerId) return refuse('toCustomerId: a move goes to another customer');
  if (!managed || !mapping) return refuse(`${operation.did} is not on this line's trunk`);
  if (!managed.mayDelete) return refuse(`${operation.did} was not mapped by this project (${managed.origin}): it is not this line's to move`);
  const onTarget = (observed.target?.numbers ?? []).some((n) => n.phoneNumber === operation.did);
  const steps: PlanStep[] = [];
  if (!onTarget) {
    steps.push({
      action: 'map-did-on-target',
      did: operation.did,
      trunkSid: operation.toTrunkSid,
      request: { method: 'POST', path: `/trunks/${operation.toTrunkSid}/phone-numbers`, body: { phone_number: operation.did, mode: 'pstn' }, effect: `${operation.did} also reaches ${operation.toCustomerId}'s trunk` },
    });
  }
  steps.push({
    action: 'unmap-did',
    did: operation.did,
    mappingId: mapping.id,
    request: { method: 'DELETE', path: `/trunks/${sid}/phone-numbers?id=${mapping.id}`, effect: `${operation.did} reaches only ${operation.toCustomerId}'s trunk` },
  });
  steps.push({ action: 'hand-over-did', did: operation.did, toCustomerId: operation.toCustomerId, effect: `${operation.toCustomerId}'s line owns ${operation.did} from now on` });
  return {
    steps,
    refusals: [],
    notes: ['if Exotel refuses a number on two trunks at once, it is unmapped here first and mapped there right after (one request unrouted)'],
    destructive: true,
  };
}

/** Ordered the same way for the same state, whatever order Exotel listed things in. */
function canonical(observed: ObservedTrunk | null): string {
  if (!observed) return 'null';
  const sorted = <T extends { id: string }>(items: T[] | undefined) => (items ? [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) : null);
  return JSON.stringify({
    trunkSid: observed.trunkSid,
    found: observed.found ? { ...observed.found, candidates: [...observed.found.candidates].sort() } : null,
    target: observed.target ? { trunkSid: observed.target.trunkSid, numbers: sorted(observed.target.numbers) } : null,
    numbers: sorted(observed.numbers),
    credentials: sorted(observed.credentials),
    aclEntries: sorted(observed.aclEntries),
    destinations: sorted(observed.destinations),
  });
}
