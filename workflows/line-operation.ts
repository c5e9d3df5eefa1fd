// One operation on a customer line: read what Exotel holds, plan from it (domain/line-plans.ts), refuse a stale or
// unconfirmed plan, then send exactly the plan's requests, each recorded in the line as it lands. A step that fails
// for good waits for ops (retry or roll back) like a setup's; a rollback undoes this operation's steps newest first,
// so the line ends as it was or as asked, never half.
import { ApplicationFailure, getExternalWorkflowHandle, patched } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import { FailureTypes } from '../domain/failures';
import { InputValidationError } from '../domain/issues';
import type { IssuedCredential, LineOperation, ManagedLine, OperationPlanSummary, OperationReport, OperationRequest, Owned } from '../domain/line';
import { lineWorkflowId } from '../domain/naming';
import { planOperation, readsFor, SIGNER_NAMES, type OperationPlan, type PlanStep } from '../domain/line-plans';
import type { ObservedTrunk } from '../domain/observed';
import { normalizeDestination } from '../domain/rules';
import { DEFAULT_OPS_DECISION_TIMEOUT } from '../domain/setup';
import { exotelFor, local, platformFor } from './activity-profiles';
import { describeFailure, exotelFailureOf } from './failures';
import { PATCHES } from './patches';
import { didMovedInSignal } from './line-messages';
import { OpsGate, type GateSubject } from './ops-gate';
import { addNumberOnPlatform, removeNumberOnPlatform, removePlatformObject, updatePlatformCredential, type LineOnPlatform } from './platform-side/day-two';
import { SetupProgress } from './progress';
import { ensureAclEntry, ensureCredential, ensureDestinations, ensureMapping, ensureTrunk } from './resources';
import { Saga } from './saga';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Reads the parts of the line's trunk the operation plans from; null when the line has no trunk. */
export async function observe(line: ManagedLine, operation: LineOperation): Promise<ObservedTrunk | null> {
  const accountSid = line.exotelAccountSid;
  const { exotel } = exotelFor(accountSid);
  let observed: ObservedTrunk;
  if (operation.kind === 'adopt') {
    const found = await findTrunkOf(accountSid, operation.did, operation.trunkSid);
    if (!found) return null;
    observed = found;
  } else if (line.trunk) {
    observed = { trunkSid: line.trunk.sid };
  } else {
    return null;
  }
  const { trunkSid } = observed;
  // One after another, in the plan's order, so the request log reads like the plan.
  for (const part of readsFor(operation)) {
    try {
      if (part === 'numbers') observed.numbers = await exotel.listPhoneNumbers({ accountSid, trunkSid });
      if (part === 'credentials') observed.credentials = await exotel.listCredentials({ accountSid, trunkSid });
      if (part === 'aclEntries') observed.aclEntries = (await exotel.listWhitelistedIps({ accountSid, trunkSid })).map(({ id, ip }) => ({ id, ip }));
      if (part === 'destinations') observed.destinations = await exotel.listDestinationUris({ accountSid, trunkSid });
    } catch (err) {
      // A repair of a trunk that is gone plans a new one; one read of the trunk itself tells gone from a bad answer.
      if (operation.kind !== 'repair' || exotelFailureOf(err)?.kind !== 'not-found') throw err;
      if (!(await exotel.findTrunk({ accountSid, trunkSid }))) return null;
      throw err;
    }
  }
  if (operation.kind === 'move-did') {
    observed.target = { trunkSid: operation.toTrunkSid, numbers: await exotel.listPhoneNumbers({ accountSid, trunkSid: operation.toTrunkSid }) };
  }
  return observed;
}

/**
 * The trunk a number is on: the one named (read to check it), or trunk-maps' answer, or, where Exotel does not
 * answer trunk-maps, every trunk's numbers (one read per trunk: the plan's reads say so).
 */
async function findTrunkOf(accountSid: string, did: string, named: string | undefined): Promise<ObservedTrunk | null> {
  const { exotel } = exotelFor(accountSid);
  if (named) {
    const trunk = await exotel.findTrunk({ accountSid, trunkSid: named });
    return trunk ? { trunkSid: trunk.trunkSid, found: { via: 'trunk-maps', candidates: [trunk.trunkSid], trunkName: trunk.trunkName } } : null;
  }
  let via: 'trunk-maps' | 'listing' = 'trunk-maps';
  let candidates = await exotel.trunksOfNumber({ accountSid, phoneNumber: did });
  const trunks = candidates === null ? await exotel.listTrunks({ accountSid }) : null;
  if (trunks) {
    via = 'listing';
    candidates = [];
    for (const t of trunks) {
      if ((await exotel.listPhoneNumbers({ accountSid, trunkSid: t.trunkSid })).some((n) => n.phoneNumber === did)) candidates.push(t.trunkSid);
    }
  }
  const [first] = candidates ?? [];
  if (!first) return null;
  const name = trunks?.find((t) => t.trunkSid === first)?.trunkName ?? (await exotel.findTrunk({ accountSid, trunkSid: first }))?.trunkName;
  return { trunkSid: first, found: { via, candidates: candidates ?? [], ...(name ? { trunkName: name } : {}) } };
}

/** What `plan` answers: the same reads and planner the operation itself uses. */
export async function planNow(line: ManagedLine, operation: LineOperation): Promise<OperationPlan> {
  return planFor(line, operation, await observe(line, operation));
}

/**
 * The plan, with the platform's numbers in it where this workflow's history allows: asked only of lines that manage
 * platform objects (the ones whose plans the patch changed), so other histories stay as they are.
 */
function planFor(line: ManagedLine, operation: LineOperation, observed: ObservedTrunk | null): OperationPlan {
  const onPlatform = (line.platform?.objects.length ?? 0) > 0;
  return planOperation(line, operation, observed, { platformNumbers: !onPlatform || patched(PATCHES.platformNumbersOnLines) });
}

export function summarize(plan: OperationPlan): OperationPlanSummary {
  return {
    reads: plan.reads.map(({ method, path }) => ({ method, path })),
    steps: plan.steps.map((s) => ('request' in s ? { action: s.action, method: s.request.method, path: s.request.path, effect: s.request.effect } : { action: s.action, effect: s.effect })),
    refusals: plan.refusals,
    notes: plan.notes,
    destructive: plan.destructive,
    fingerprint: plan.fingerprint,
    ...(plan.left ? { left: plan.left } : {}),
    ...(plan.unrepaired ? { unrepaired: plan.unrepaired } : {}),
  };
}

/** A step's name in the operation's progress: its action and what it acts on. */
export function stepName(step: PlanStep): string {
  switch (step.action) {
    case 'map-did':
    case 'unmap-did':
    case 'set-mode':
      return `${step.action} ${step.did}`;
    case 'add-destinations':
    case 'verify-destinations':
      return step.action;
    case 'delete-destination':
      return `${step.action} ${step.value}`;
    case 'create-credential':
    case 'await-confirmation':
    case 'delete-credential':
      return `${step.action} ${step.userName}`;
    case 'delete-acl':
      return `${step.action} ${step.ip}`;
    case 'delete-trunk':
      return `${step.action} ${step.trunkSid}`;
    case 'take-over':
      return `${step.action} ${step.part} ${step.label}`;
    case 'map-did-on-target':
    case 'hand-over-did':
      return `${step.action} ${step.did}`;
    case 'set-rotation-policy':
      return step.action;
    case 'add-acl':
      return `${step.action} ${step.ip}`;
    case 'create-trunk':
      return `${step.action} ${step.trunkName}`;
    case 'delete-platform-object':
      return `${step.action} ${step.name}`;
    case 'update-platform-credential':
      return `${step.action} ${step.userName}`;
    case 'set-platform-numbers':
      return step.action;
    case 'add-platform-number':
    case 'remove-platform-number':
      return `${step.action} ${step.did}`;
  }
}

export interface OperationOutcome {
  report: OperationReport;
  line: ManagedLine;
}

export interface OperationHooks {
  /** Told when the operation starts or stops waiting for ops, so the line's query and search attributes show it. */
  onAwaiting(awaiting: boolean, progress: SetupProgress): void;
  /** Told once the plan is known, so the query can show it while it runs. */
  onPlanned?(plan: OperationPlan, progress: SetupProgress): void;
}

/** Runs one operation to rest. Never throws for an Exotel failure: it ends as a report. */
export async function runOperation(line: ManagedLine, operationId: string, request: OperationRequest, hooks: OperationHooks): Promise<OperationOutcome> {
  const { operation } = request;
  const report = (state: OperationReport['state'], message: string, plan?: OperationPlan, extra: Partial<OperationReport> = {}): OperationReport => ({
    operationId,
    operation,
    state,
    message,
    at: new Date().toISOString(),
    ...(plan ? { plan: summarize(plan) } : {}),
    ...extra,
  });

  let plan: OperationPlan;
  let observed: ObservedTrunk | null;
  try {
    observed = await observe(line, operation);
    plan = planFor(line, operation, observed);
  } catch (err) {
    return { line, report: report('failed', `could not read the trunk to plan: ${describeFailure(err)}`) };
  }
  if (plan.refusals.length > 0) return { line, report: report('refused', plan.refusals.join('; '), plan) };
  if (request.expectFingerprint && request.expectFingerprint !== plan.fingerprint) {
    return { line, report: report('stale', 'Exotel changed since that plan was made: nothing was sent; here is the plan for what it holds now', plan) };
  }
  if (plan.destructive && !request.confirm) {
    return { line, report: report('needs-confirmation', 'this plan stops something working for callers: confirm it (--yes, or confirm: true)', plan) };
  }
  if (plan.steps.length === 0) return { line: settled(line, operation), report: report('done', plan.notes.join('; ') || 'nothing to do', plan) };

  // No trunk observed: a repair makes a new one first (its create-trunk step names it).
  const run = new LineRun(line, operationId, plan, observed ?? { trunkSid: '' });
  const progress = new SetupProgress(line.direction, line.customerId, plan.steps.map(stepName));
  const saga = new Saga();
  const subject: GateSubject<OperationPlan> = {
    input: plan,
    decisionTimeoutMs: () => msToNumber((request.opsDecisionTimeout ?? DEFAULT_OPS_DECISION_TIMEOUT) as Duration),
    apply: (current, decision) => {
      if (decision.corrections) {
        throw new InputValidationError([{ field: 'corrections', value: JSON.stringify(decision.corrections), rule: 'a line operation takes no corrections: ask for a new operation instead' }]);
      }
      return current;
    },
    onAwaiting: async (awaiting) => hooks.onAwaiting(awaiting, progress),
    decideWith: {
      retry: `trunkctl line decide ${line.customerId} retry --direction ${line.direction}`,
      rollback: `trunkctl line decide ${line.customerId} rollback --direction ${line.direction}`,
    },
  };
  const gate = new OpsGate(subject, progress, saga, plan.steps.map(stepName), {});
  hooks.onPlanned?.(plan, progress);
  try {
    for (const step of plan.steps) await gate.step(stepName(step), () => run.execute(step, saga));
  } catch (err) {
    const cause = describeFailure(err);
    if (operation.kind === 'offboard') {
      // An offboard is not undone (a deleted credential cannot be made again with its password): it stops where it
      // failed, the line records what is gone, and offboarding again finishes it.
      return {
        line: run.line,
        report: report('failed', `offboard stopped at ${progress.failedStep() ?? 'a step'}: ${cause}. Done so far: ${run.summary() || 'nothing'}. Offboard again to finish`, plan),
      };
    }
    const rollback = await saga.compensate(progress);
    // Rolled back completely, the line is as it was. Partly, nobody knows without looking: what the operation had
    // or made is recorded as far as Exotel still holds it.
    if (rollback.failures.length === 0) run.forgetRolledBack();
    else await run.reconcile().catch(() => undefined);
    const undone = rollback.rolledBack.length ? rollback.rolledBack.join('; ') : 'nothing needed undoing';
    const left = rollback.failures.length ? `; NOT rolled back: ${rollback.failures.map((f) => `${f.step}: ${f.error}`).join('; ')}` : '';
    return {
      line: run.line,
      report: report(rollback.failures.length ? 'failed' : 'rolled-back', `failed at ${progress.failedStep() ?? 'a step'}: ${cause}. Rolled back: ${undone}${left}`, plan, {
        rolledBack: rollback.rolledBack,
      }),
    };
  }
  const extra: Partial<OperationReport> = {
    ...(run.issued ? { issuedCredential: run.issued } : {}),
    ...(operation.kind === 'move-did' ? { routedThroughout: run.routedThroughout } : {}),
  };
  return { line: settled(run.line, operation), report: report('done', run.summary(), plan, extra) };
}

/** The line once an operation is done: a confirmed rotation is over; an offboarded line owns nothing any more. */
function settled(line: ManagedLine, operation: LineOperation): ManagedLine {
  if (operation.kind === 'confirm-rotation') {
    const { pendingRotation: _over, ...rest } = line;
    return rest;
  }
  if (operation.kind === 'offboard') {
    const { pendingRotation: _gone, ...rest } = line;
    return { ...rest, status: 'offboarded' };
  }
  return line;
}

/** The line as the operation's steps change it, and the requests behind each step. */
class LineRun {
  issued: IssuedCredential | undefined;
  /** A move's mapping on the target trunk, or the trunk to map it on once it is off this one. */
  private moved: { mappingId?: string; afterUnmap?: string } | undefined;
  private readonly before: ManagedLine;
  private readonly done: string[] = [];
  /** The trunk the steps act on: the observed one, or the one a create-trunk step made. */
  private trunkSid: string;

  constructor(
    public line: ManagedLine,
    private readonly operationId: string,
    private readonly plan: OperationPlan,
    private readonly observed: ObservedTrunk,
  ) {
    this.before = line;
    this.trunkSid = observed.trunkSid;
  }

  private owned(): Owned {
    return { origin: 'created', mayDelete: true, since: new Date().toISOString(), by: this.operationId };
  }

  /** What the steps did (the plan's notes stay in the plan). */
  summary(): string {
    return this.done.join('; ');
  }

  /** A move: false once the number had to be unmapped before it could be mapped on the target. */
  routedThroughout = true;

  /** What the platform's side of a DID change needs to know of the line. */
  private onPlatform(line: ManagedLine, platform: NonNullable<ManagedLine['platform']>): LineOnPlatform & { platform: NonNullable<ManagedLine['platform']> } {
    return { customerId: line.customerId, direction: line.direction, platform, destinations: line.destinations.map((d) => d.value) };
  }

  /** After a complete rollback the line is as it was; after a partial one it keeps what the steps recorded. */
  forgetRolledBack(): void {
    this.line = this.before;
  }

  /** After a partial rollback: each part the line had before or since, kept only if Exotel still holds it. */
  async reconcile(): Promise<void> {
    const now = await observe(this.before, { kind: 'offboard' });
    if (!now) return;
    const union = <T>(key: (t: T) => string, a: T[], b: T[]) => [...new Map([...a, ...b].map((t) => [key(t), t])).values()];
    const { before, line } = this;
    this.line = {
      ...line,
      numbers: union((n) => n.did, before.numbers, line.numbers).flatMap((n) => {
        const found = (now.numbers ?? []).find((o) => o.phoneNumber === n.did);
        return found ? [{ ...n, mappingId: found.id }] : [];
      }),
      credentials: union((c) => c.id, before.credentials, line.credentials).filter((c) => (now.credentials ?? []).some((o) => o.id === c.id)),
      aclEntries: union((e) => e.ip, before.aclEntries, line.aclEntries).filter((e) => (now.aclEntries ?? []).some((o) => o.ip === e.ip)),
      destinations: union((d) => d.value, before.destinations, line.destinations).filter((d) => (now.destinations ?? []).some((o) => normalizeDestination(o.destination) === d.value)),
    };
  }

  async execute(step: PlanStep, saga: Saga): Promise<void> {
    const line = this.line;
    const accountSid = line.exotelAccountSid;
    const { trunkSid } = this;
    const { exotel, undoExotel } = exotelFor(accountSid);
    switch (step.action) {
      case 'map-did': {
        const { value } = await ensureMapping(saga, { accountSid, trunkSid, did: step.did });
        // Mapped again by a repair, a number keeps who it belongs to.
        const known = line.numbers.find((n) => n.did === step.did);
        const number = known ? { ...known, mappingId: value.id, mode: 'pstn' as const } : { ...this.owned(), did: step.did, mappingId: value.id, mode: 'pstn' as const };
        this.line = { ...line, numbers: [...line.numbers.filter((n) => n.did !== step.did), number] };
        this.done.push(`mapped ${step.did}`);
        return;
      }
      case 'unmap-did': {
        // Registered before the request: a delete whose answer was lost is undone too.
        saga.register(stepName(step), `unmapped:${step.did}`, async () => ((await remap(accountSid, trunkSid, step.did)) ? `mapped ${step.did} again` : null));
        await exotel.deletePhoneNumber({ accountSid, trunkSid, id: step.mappingId });
        this.line = { ...line, numbers: line.numbers.filter((n) => n.did !== step.did) };
        this.done.push(`unmapped ${step.did}`);
        const target = this.moved?.afterUnmap;
        if (target) {
          this.routedThroughout = false;
          this.moved = { mappingId: (await ensureMapping(saga, { accountSid, trunkSid: target, did: step.did })).value.id };
          this.done.push(`mapped ${step.did} on ${target} right after: Exotel refused it on two trunks, so it was unrouted between the two requests`);
        }
        return;
      }
      case 'set-mode': {
        const known = line.numbers.find((n) => n.did === step.did);
        // Planned without an id when the step before maps it on a new trunk.
        const id = step.mappingId || (known?.mappingId ?? '');
        const previous = step.mappingId ? (known?.mode ?? 'pstn') : 'pstn';
        saga.register(stepName(step), `mode:${step.did}`, async () => {
          await undoExotel.setPhoneNumberMode({ accountSid, trunkSid, id, phoneNumber: step.did, mode: previous });
          return `${step.did} back to mode ${previous}`;
        });
        await exotel.setPhoneNumberMode({ accountSid, trunkSid, id, phoneNumber: step.did, mode: step.mode });
        this.line = { ...line, numbers: line.numbers.map((n) => (n.did === step.did ? { ...n, mode: step.mode } : n)) };
        this.done.push(`${step.did} in mode ${step.mode}`);
        return;
      }
      case 'add-destinations': {
        // The plan read them, and its fingerprint showed nothing changed since the person saw it.
        const known = this.observed.destinations ?? [];
        const ids = await ensureDestinations(saga, { ours: new Set() }, { accountSid, trunkSid, wanted: step.values, trunkOrigin: 'pre-existing', known });
        const added = step.values.map((value, i) => ({ ...(line.destinations.find((d) => d.value === value) ?? this.owned()), id: ids[i] ?? '', value }));
        this.line = { ...line, destinations: [...line.destinations.filter((d) => !step.values.includes(d.value)), ...added] };
        this.done.push(`added ${step.values.join(', ')}`);
        return;
      }
      case 'verify-destinations': {
        const present = await exotel.listDestinationUris({ accountSid, trunkSid });
        const missing = step.values.filter((v) => !present.some((p) => p.destination === v));
        if (missing.length > 0) {
          throw ApplicationFailure.nonRetryable(`read-back: ${missing.join(', ')} not on trunk ${trunkSid}`, FailureTypes.verificationMismatch, missing);
        }
        return;
      }
      case 'delete-destination': {
        saga.register(stepName(step), `destination-deleted:${step.value}`, async () => {
          const present = await undoExotel.listDestinationUris({ accountSid, trunkSid });
          if (present.some((p) => p.destination === step.value)) return null;
          await undoExotel.addDestinationUris({ accountSid, trunkSid, destinations: [step.value] });
          return `added ${step.value} again`;
        });
        await exotel.deleteDestinationUri({ accountSid, trunkSid, id: step.id });
        this.line = { ...line, destinations: line.destinations.filter((d) => d.id !== step.id) };
        this.done.push(`removed ${step.value}`);
        return;
      }
      case 'create-credential': {
        // Generated once and kept in history, so a retried create sends the password it may already have set.
        const password = await local.generateSipPassword();
        const { value } = await ensureCredential(saga, { accountSid, trunkSid, userName: step.userName, password, friendlyName: step.friendlyName });
        this.issued = { id: value.id, userName: step.userName, password };
        this.line = { ...line, credentials: [...line.credentials, { ...this.owned(), id: value.id, userName: step.userName, generation: step.generation }] };
        this.done.push(`created credential ${step.userName}`);
        return;
      }
      case 'await-confirmation': {
        const credentialId = this.issued?.id ?? '';
        const rotate = this.plan.operation.kind === 'rotate-credential' ? this.plan.operation : undefined;
        const within = rotate?.confirmWithin ? msToNumber(rotate.confirmWithin as Duration) : undefined;
        this.line = {
          ...line,
          pendingRotation: {
            operationId: this.operationId,
            userName: step.userName,
            credentialId,
            since: new Date().toISOString(),
            ...(within !== undefined ? { decideBy: new Date(Date.now() + within).toISOString() } : {}),
            onTimeout: rotate?.onTimeout ?? 'keep-both',
          },
        };
        this.done.push(`${step.userName} waits for confirm-rotation; the older credentials keep working until then`);
        return;
      }
      case 'delete-credential': {
        await exotel.deleteCredential({ accountSid, trunkSid, id: step.id });
        const rest = line.credentials.filter((c) => c.id !== step.id);
        this.line = { ...line, credentials: rest };
        this.done.push(`deleted credential ${step.userName}`);
        return;
      }
      case 'delete-acl': {
        saga.register(stepName(step), `acl-deleted:${step.ip}`, async () => {
          if ((await undoExotel.listWhitelistedIps({ accountSid, trunkSid })).some((e) => e.ip === step.ip)) return null;
          await undoExotel.addWhitelistedIp({ accountSid, trunkSid, ip: step.ip }).catch((err: unknown) => {
            if (exotelFailureOf(err)?.kind !== 'duplicate') throw err;
          });
          return `allowlisted ${step.ip} again`;
        });
        await exotel.deleteWhitelistedIp({ accountSid, trunkSid, id: step.id });
        this.line = { ...line, aclEntries: line.aclEntries.filter((e) => e.id !== step.id) };
        this.done.push(`removed ${step.ip} from the allowlist`);
        return;
      }
      case 'take-over': {
        const owned: Owned = { origin: 'adopted', mayDelete: step.mayDelete, since: new Date().toISOString(), by: this.operationId };
        if (step.part === 'trunk') this.line = { ...line, trunk: { ...owned, sid: step.id, name: step.label }, status: 'active' };
        if (step.part === 'number') {
          const mode = (this.observed.numbers ?? []).find((n) => n.id === step.id)?.mode;
          this.line = { ...line, numbers: [...line.numbers, { ...owned, did: step.label, mappingId: step.id, mode: mode === 'flow' ? 'flow' : 'pstn' }] };
        }
        if (step.part === 'credential') this.line = { ...line, credentials: [...line.credentials, { ...owned, id: step.id, userName: step.label, generation: 0 }] };
        if (step.part === 'acl') this.line = { ...line, aclEntries: [...line.aclEntries, { ...owned, id: step.id, ip: step.label }] };
        if (step.part === 'destination') this.line = { ...line, destinations: [...line.destinations, { ...owned, id: step.id, value: step.label }] };
        this.done.push(`took over ${step.part} ${step.label}`);
        return;
      }
      case 'map-did-on-target': {
        try {
          this.moved = { mappingId: (await ensureMapping(saga, { accountSid, trunkSid: step.trunkSid, did: step.did })).value.id };
          this.done.push(`mapped ${step.did} on ${step.trunkSid} (on both trunks until the next step)`);
        } catch (err) {
          // Exotel keeps a number on one trunk only (the 1008 reading): it is mapped there once it is off here.
          if (!(err instanceof ApplicationFailure && err.type === FailureTypes.conflict)) throw err;
          this.moved = { afterUnmap: step.trunkSid };
        }
        return;
      }
      case 'hand-over-did': {
        const mappingId = this.moved?.mappingId ?? '';
        const target = lineWorkflowId(line.direction, step.toCustomerId);
        try {
          const toTrunkSid = this.plan.operation.kind === 'move-did' ? this.plan.operation.toTrunkSid : '';
          await getExternalWorkflowHandle(target).signal(didMovedInSignal, { did: step.did, mappingId, trunkSid: toTrunkSid, fromCustomerId: line.customerId, operationId: this.operationId });
          this.done.push(`${step.toCustomerId}'s line owns ${step.did} now`);
        } catch (err) {
          this.done.push(`${step.toCustomerId}'s line could not be told (${describeFailure(err)}): adopt ${step.did} there`);
        }
        return;
      }
      case 'add-acl': {
        const { value } = await ensureAclEntry(saga, { accountSid, trunkSid, ip: step.ip });
        const known = line.aclEntries.find((e) => e.ip === step.ip);
        this.line = { ...line, aclEntries: [...line.aclEntries.filter((e) => e.ip !== step.ip), { ...(known ?? this.owned()), id: value.id, ip: step.ip }] };
        this.done.push(`allowlisted ${step.ip}`);
        return;
      }
      case 'set-rotation-policy': {
        const op = this.plan.operation.kind === 'set-rotation-policy' ? this.plan.operation : undefined;
        const { rotationPolicy: _old, ...rest } = line;
        this.line =
          step.everyDays === null || !op
            ? rest
            : {
                ...rest,
                rotationPolicy: {
                  everyDays: step.everyDays,
                  ...(op.confirmWithin ? { confirmWithin: op.confirmWithin } : {}),
                  ...(op.onTimeout ? { onTimeout: op.onTimeout } : {}),
                  nextAt: new Date(Date.now() + step.everyDays * DAY_MS).toISOString(),
                },
              };
        this.done.push(step.effect);
        return;
      }
      case 'create-trunk': {
        const made = await ensureTrunk(saga, { accountSid, customerId: line.customerId, direction: line.direction, dids: line.numbers.map((n) => n.did) });
        this.trunkSid = made.trunkSid;
        // A trunk of that name found empty is used, never deleted (ensureTrunk's rule for setups).
        const trunk = made.origin === 'created' ? this.owned() : { ...this.owned(), origin: 'pre-existing' as const, mayDelete: false };
        // Its credentials went with the old trunk; the rest is mapped and added again by the next steps.
        this.line = { ...line, trunk: { ...trunk, sid: made.trunkSid, name: made.trunkName }, credentials: [] };
        this.done.push(`created trunk ${made.trunkSid} (${made.trunkName}) in place of ${line.trunk?.sid ?? 'the lost one'}`);
        return;
      }
      case 'delete-platform-object': {
        const platform = line.platform;
        if (platform) await removePlatformObject(platform.provider, platform.account, step);
        const objects = (platform?.objects ?? []).filter((o) => o.id !== step.id);
        this.line = { ...line, ...(platform ? { platform: { ...platform, objects } } : {}) };
        this.done.push(`deleted ${step.kind} ${step.name} on the platform`);
        return;
      }
      case 'update-platform-credential': {
        const platform = line.platform;
        const password = this.issued?.password;
        if (!platform || !password) throw ApplicationFailure.nonRetryable('no new credential to give the platform', FailureTypes.configuration);
        const signsInAs = await updatePlatformCredential(platform.provider, platform.account, { kind: step.kind ?? 'livekit-outbound-trunk', id: step.objectId }, { userName: step.userName, password });
        if (signsInAs !== step.userName) {
          throw ApplicationFailure.nonRetryable(`${step.kind ?? 'livekit-outbound-trunk'} ${step.objectId} reads back as ${signsInAs ?? '(nobody)'}, not ${step.userName}`, FailureTypes.crossCheckMismatch);
        }
        // The platform signs in with the new credential now: undoing its creation would stop its calls.
        saga.commit();
        this.done.push(`${SIGNER_NAMES[step.kind ?? 'livekit-outbound-trunk'] ?? 'the platform'} ${step.objectId} signs in as ${step.userName}`);
        return;
      }
      case 'set-platform-numbers': {
        const platform = line.platform;
        if (platform?.provider !== 'livekit') return;
        const { platform: requests, undoPlatform } = platformFor('livekit');
        const direction = line.direction;
        const { account } = platform;
        saga.register(stepName(step), `platform-numbers:${step.objectId}`, async () => {
          await undoPlatform.livekitSetTrunkNumbers({ account, id: step.objectId, direction, numbers: step.previous });
          return `LiveKit trunk ${step.objectId} takes ${step.previous.join(', ') || 'no number'} again`;
        });
        const now = await requests.livekitSetTrunkNumbers({ account, id: step.objectId, direction, numbers: step.numbers });
        const missing = step.numbers.filter((n) => !now.includes(n));
        if (missing.length > 0) throw ApplicationFailure.nonRetryable(`LiveKit trunk ${step.objectId} reads back without ${missing.join(', ')}`, FailureTypes.crossCheckMismatch);
        this.done.push(step.effect);
        return;
      }
      case 'add-platform-number': {
        const platform = line.platform;
        if (!platform) return;
        const { sipEdge } = await local.describeAccount({ accountSid });
        const credential = this.issued && { userName: this.issued.userName, password: this.issued.password };
        const made = await addNumberOnPlatform(saga, this.onPlatform(line, platform), step.did, { exotel: { accountSid, edge: sipEdge }, ...(credential ? { credential } : {}) });
        const known = new Set(platform.objects.map((o) => o.id));
        const added = made.filter((o) => !known.has(o.id)).map((o) => ({ ...this.owned(), ...o, ...(o.origin === 'pre-existing' ? { origin: 'pre-existing' as const, mayDelete: false } : {}) }));
        this.line = { ...line, platform: { ...platform, objects: [...platform.objects, ...added] } };
        this.done.push(step.effect);
        return;
      }
      case 'remove-platform-number': {
        const platform = line.platform;
        if (!platform) return;
        const { removed, kept } = await removeNumberOnPlatform(saga, stepName(step), this.onPlatform(line, platform), step.did);
        this.line = { ...line, platform: { ...platform, objects: platform.objects.filter((o) => !removed.includes(o.id)) } };
        this.done.push(...(removed.length > 0 ? [step.effect] : kept));
        return;
      }
      case 'delete-trunk': {
        await exotel.deleteTrunk({ accountSid, trunkSid });
        this.line = { ...line, trunk: null };
        this.done.push(`deleted trunk ${step.trunkSid}`);
        return;
      }
    }
  }
}

/**
 * Maps a number back when its unmap is rolled back; false when it is still mapped (the unmap never landed).
 * A duplicate answer means a retried request landed: done.
 */
async function remap(accountSid: string, trunkSid: string, did: string): Promise<boolean> {
  const { undoExotel } = exotelFor(accountSid);
  if ((await undoExotel.listPhoneNumbers({ accountSid, trunkSid })).some((n) => n.phoneNumber === did)) return false;
  try {
    await undoExotel.mapPhoneNumber({ accountSid, trunkSid, phoneNumber: did });
  } catch (err) {
    if (exotelFailureOf(err)?.kind !== 'duplicate') throw err;
  }
  return true;
}
