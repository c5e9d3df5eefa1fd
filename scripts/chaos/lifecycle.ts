// Day two under the same chaos: for a seeded share of the customers whose setup succeeded, the operations a
// platform runs on a line (add a DID, rotate and confirm the credential, move the DID to another customer, change
// destinations, offboard), each through the line's `operate` Update with a fixed operation id, retried with that
// same id whenever the call fails without an answer (a worker SIGKILLed, the Temporal server restarting), so a
// retry can never run an operation twice.
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { decodeOptionalFailureToOptionalError } from '@temporalio/common/lib/internal-non-workflow';
import { lookUpLine, operateOn, type LineLookup } from '../../client/lines';
import type { LineOperation, LineOperationKind, LineView, OperationReport, OperationState } from '../../domain/line';
import { fingerprintOf, lineWorkflowId, sipUserNameFor } from '../../domain/naming';
import { normalizeDestination } from '../../domain/rules';
import type { Direction } from '../../domain/setup';
import type { SimulatorAdmin } from '../../simulator';
import { lineQuery } from '../../workflows/line-messages';
import { expectationOf, type CustomerPlan, type Expectation, type MomentChecks } from './audit';

/** What one customer does on day two, in this order. */
export interface LifecyclePlan {
  customerId: string;
  direction: Direction;
  /** Outbound: the number add-dids maps, which move-did then hands to `moveTo` (when there is one). */
  addedDid?: string;
  moveTo?: string;
  /** Inbound: what set-destinations replaces the setup's destinations with. */
  newDestinations?: string[];
  offboard: boolean;
  /** Its setup configured Retell too: an offboard deletes its number there first. */
  platform?: boolean;
}

/** An operation's end as the chaos run saw it; `no-answer`: the Update never answered within the run's patience. */
export type OperationOutcomeState = OperationState | 'no-answer';

export interface OperationOutcome {
  customerId: string;
  direction: Direction;
  operationId: string;
  kind: LineOperationKind;
  /** As asked; absent when it never was (no line to ask). */
  operation?: LineOperation;
  state: OperationOutcomeState;
  message: string;
  /** Update calls made for it: more than one when a call failed without an answer and was retried. */
  calls: number;
  /** From the first call to the answer. */
  seconds: number;
  /** For an offboard: the trunk's last timeline seq before it was asked (its entries after that are the offboard's). */
  timelineBefore?: number;
}

export interface LifecycleResult {
  plans: LifecyclePlan[];
  outcomes: OperationOutcome[];
  /** Each customer's trunk sid, as its line recorded it before the operations. */
  trunkSids: Map<string, string>;
  /** Update calls that failed without an answer and were sent again with the same operation id. */
  retries: number;
  /** Why they failed, by message (ids and sids left out), and how often. */
  retryReasons: Record<string, number>;
}

export interface LifecycleOptions {
  seed: number;
  /** Of the succeeded customers of each direction, the share that runs operations (at least one each). */
  share: number;
  /** Of the succeeded customers of each direction, the share offboarded at the end (at least one each). */
  offboardShare: number;
}

export const lineKey = (direction: Direction, customerId: string): string => `${direction}:${customerId}`;

/** Deterministic: the same seed, customers and setup outcomes give the same operations. */
export function planLifecycle(plans: CustomerPlan[], succeeded: (customerId: string) => boolean, o: LifecycleOptions): LifecyclePlan[] {
  const out: LifecyclePlan[] = [];
  for (const direction of ['outbound', 'inbound'] as const) {
    const candidates = plans
      .map((plan, index) => ({ plan, index }))
      .filter(({ plan }) => plan.direction === direction && succeeded(plan.customerId))
      .sort((a, b) => {
        const [x, y] = [fingerprintOf(`${o.seed}:${a.plan.customerId}`), fingerprintOf(`${o.seed}:${b.plan.customerId}`)];
        return x < y ? -1 : x > y ? 1 : a.index - b.index;
      });
    if (candidates.length === 0) continue;
    const offboards = Math.min(candidates.length, Math.max(1, Math.round(o.offboardShare * candidates.length)));
    // At least one offboard of a platform customer, where there is one: its number on Retell must go too.
    const firstOnPlatform = candidates.findIndex(({ plan }) => plan.platform);
    if (firstOnPlatform >= offboards) candidates.unshift(...candidates.splice(firstOnPlatform, 1));
    const chosen = candidates.slice(0, Math.min(candidates.length, Math.max(offboards, Math.round(o.share * candidates.length), 1)));
    // Moves go to lines that stay (a trunk being offboarded is no place to move a number to), busy with their own
    // operations where possible: a line must take a number moved in while it runs an operation of its own.
    const staying = chosen.slice(offboards);
    chosen.forEach(({ plan, index }, rank) => {
      const offboard = rank < offboards;
      const platform = plan.platform ? { platform: true } : {};
      if (direction === 'inbound') {
        // A Retell customer stays on Retell: its other transport (Retell's SIP host takes both).
        const tls = plan.destinations?.some((d) => d.includes('transport=tls'));
        const newDestinations = plan.platform ? [tls ? 'sip.retellai.com:5060;transport=tcp' : 'sip.retellai.com:5061;transport=tls'] : [`n${index}.v2.sip.livekit.cloud:5061;transport=tls`];
        out.push({ customerId: plan.customerId, direction, newDestinations, offboard, ...platform });
        return;
      }
      const others = staying.filter((s) => s.plan.customerId !== plan.customerId);
      // Not from a Retell line: where its add-dids imports the new DID on Retell, its move leaves the number there
      // under this customer's name (a move has no platform step yet), which the audit rightly calls an orphan. A
      // Retell line may still receive a moved DID (Exotel's only: Retell is not given it).
      const moveTo = others.length && !plan.platform ? others[(rank + 1) % others.length]?.plan.customerId : undefined;
      out.push({ customerId: plan.customerId, direction, addedDid: plan.did.replace(/^\+9197/, '+9196'), ...(moveTo ? { moveTo } : {}), offboard, ...platform });
    });
  }
  return out;
}

/**
 * The operations of one customer, in order. A Retell line is not asked to rotate: where its rotation does not reach
 * Retell (docs/platform-side.md "Not yet covered by API"), confirming it would leave Retell signing in as a user
 * Exotel no longer has; where it does, the rotation confirms itself and this run's confirm-rotation means nothing.
 * Its add-dids may rotate by itself (Retell takes a new number only with the password): expectationsAfter allows both.
 */
export function kindsOf(plan: LifecyclePlan): LineOperationKind[] {
  const kinds: LineOperationKind[] = [];
  const rotation = plan.platform ? [] : (['rotate-credential', 'confirm-rotation'] as const);
  if (plan.direction === 'outbound' && plan.addedDid) kinds.push('add-dids', ...rotation, ...(plan.moveTo ? (['move-did'] as const) : []));
  if (plan.direction === 'inbound' && plan.newDestinations) kinds.push('set-destinations');
  if (plan.offboard) kinds.push('offboard');
  return kinds;
}

export const operationIdFor = (plan: Pick<LifecyclePlan, 'customerId' | 'direction'>, kind: LineOperationKind): string => `${plan.customerId}-${plan.direction}-${kind}`;

/** Runs `fn` on every item, at most `limit` at a time. */
export async function inPool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/** A call that may fail while the server restarts: tried again until it answers or `patienceMs` runs out. */
async function patiently<T>(what: string, patienceMs: number, fn: () => Promise<T>): Promise<T> {
  const until = Date.now() + patienceMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > until) throw new Error(`${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      await sleep(500);
    }
  }
}

/** The line once the setup's handover has reached it: running, with a trunk. */
export async function lineOnceManaged(client: Client, direction: Direction, customerId: string, patienceMs = 120_000): Promise<LineView> {
  const until = Date.now() + patienceMs;
  for (;;) {
    const found = await patiently(`look up ${lineWorkflowId(direction, customerId)}`, patienceMs, () => lookUpLine(client, direction, customerId));
    if (found.state === 'managed' && found.view.line.trunk) return found.view;
    if (Date.now() > until) throw new Error(`${lineWorkflowId(direction, customerId)} is ${found.state}, not managed with a trunk, after ${patienceMs / 1000} s`);
    await sleep(250);
  }
}

/** A line's record at the end: running (its query), offboarded (its result), or absent. Rides out restarts. */
export function finalLine(client: Client, direction: Direction, customerId: string): Promise<LineLookup> {
  return patiently(`look up ${lineWorkflowId(direction, customerId)}`, 120_000, () => lookUpLine(client, direction, customerId));
}

/** The report of an operation, from the line's query (a line that ended offboarded answers queries too). */
async function reportIn(client: Client, direction: Direction, customerId: string, operationId: string): Promise<OperationReport | undefined> {
  const view = await client.workflow.getHandle(lineWorkflowId(direction, customerId)).query(lineQuery);
  return view.recent.find((r) => r.operationId === operationId);
}

interface OperateContext {
  client: Client;
  /** How long one operation may take to answer, retries included. */
  patienceMs: number;
  onRetry: (why: string) => void;
}

/** Asks for one operation until it answers at rest; a call that fails without an answer is repeated with the same id. */
async function operate(ctx: OperateContext, direction: Direction, customerId: string, operationId: string, operation: LineOperation): Promise<Pick<OperationOutcome, 'state' | 'message' | 'calls' | 'seconds'>> {
  // Confirmed, and rolled back at once on a permanent failure, as the setups' opsDecisionTimeout 0: nobody decides here.
  const request = { operation, operationId, confirm: true, opsDecisionTimeout: '0s' };
  const started = Date.now();
  const until = started + ctx.patienceMs;
  let calls = 0;
  let last = '';
  const seconds = () => Math.round((Date.now() - started) / 100) / 10;
  while (Date.now() < until) {
    calls++;
    try {
      let report = await operateOn(ctx.client, direction, customerId, request);
      // With a 0 s decision timeout nothing waits for ops, but if it did, its end shows in the line's `recent`.
      while (report.state === 'awaiting-ops' && Date.now() < until) {
        await sleep(500);
        report = (await reportIn(ctx.client, direction, customerId, operationId).catch(() => undefined)) ?? report;
      }
      return { state: report.state, message: report.message, calls, seconds: seconds() };
    } catch (err) {
      last = err instanceof Error ? `${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ''}` : String(err);
      // The line ended: an offboard whose answer was lost, asked again. Its report is still in the line's query.
      const found = await lookUpLine(ctx.client, direction, customerId).catch(() => undefined);
      if (found?.state === 'offboarded') {
        const report = await reportIn(ctx.client, direction, customerId, operationId).catch(() => undefined);
        if (report) return { state: report.state, message: report.message, calls, seconds: seconds() };
        if (operation.kind === 'offboard') return { state: 'done', message: `the line ended offboarded (${last})`, calls, seconds: seconds() };
      }
      // The workflow refused it (its validator or handler): asking again gets the same answer.
      if (err instanceof WorkflowUpdateFailedError) return { state: 'no-answer', message: `refused by the line: ${last}`, calls, seconds: seconds() };
      ctx.onRetry(last);
      await sleep(500);
    }
  }
  return { state: 'no-answer', message: `no answer in ${ctx.patienceMs / 1000} s after ${calls} calls: ${last}`, calls, seconds: seconds() };
}

async function operationOf(plan: LifecyclePlan, kind: LineOperationKind, trunkOf: (direction: Direction, customerId: string) => Promise<string>): Promise<LineOperation> {
  switch (kind) {
    case 'add-dids':
      return { kind, dids: [plan.addedDid ?? ''] };
    case 'move-did':
      // The target's trunk, as its line records it (the target waits for its own handover too).
      return { kind, did: plan.addedDid ?? '', toCustomerId: plan.moveTo ?? '', toTrunkSid: await trunkOf(plan.direction, plan.moveTo ?? '') };
    case 'set-destinations':
      return { kind, destinations: plan.newDestinations ?? [] };
    case 'rotate-credential':
    case 'confirm-rotation':
    case 'offboard':
      return { kind };
    default:
      throw new Error(`the chaos run does not ask for ${kind}`);
  }
}

/** The trunk's last timeline entry now: what the offboard then does comes after it. */
async function lastSeqOf(admin: SimulatorAdmin, trunkSid: string): Promise<number> {
  const { entries } = await admin.timeline({ trunk: trunkSid });
  return entries.reduce((max, e) => Math.max(max, e.seq), 0);
}

export async function runLifecycle(
  client: Client,
  admin: SimulatorAdmin,
  plans: LifecyclePlan[],
  { concurrency, patienceMs = 300_000, onDone }: { concurrency: number; patienceMs?: number; onDone?: () => void },
): Promise<LifecycleResult> {
  const outcomes: OperationOutcome[] = [];
  const trunkSids = new Map<string, string>();
  let retries = 0;
  const retryReasons: Record<string, number> = {};
  const onRetry = (why: string) => {
    retries++;
    const reason = why.replace(/trunk-line-\S+/g, '<line>').replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '<id>').slice(0, 160);
    retryReasons[reason] = (retryReasons[reason] ?? 0) + 1;
  };
  const ctx: OperateContext = { client, patienceMs, onRetry };
  const trunkOf = async (direction: Direction, customerId: string): Promise<string> => {
    const key = lineKey(direction, customerId);
    const known = trunkSids.get(key);
    if (known) return known;
    const sid = (await lineOnceManaged(client, direction, customerId)).line.trunk?.sid ?? '';
    trunkSids.set(key, sid);
    return sid;
  };

  await inPool(plans, concurrency, async (plan) => {
    try {
      // The handover child starts right after the setup: wait for the line before asking anything of it.
      const trunkSid = await trunkOf(plan.direction, plan.customerId).catch((err: unknown) => {
        // No line to operate on: the audit reports it as missing; its operations are counted as unanswered.
        for (const kind of kindsOf(plan)) {
          const message = `never asked: ${err instanceof Error ? err.message : String(err)}`;
          outcomes.push({ customerId: plan.customerId, direction: plan.direction, operationId: operationIdFor(plan, kind), kind, state: 'no-answer', message, calls: 0, seconds: 0 });
        }
        return undefined;
      });
      if (trunkSid === undefined) return;
      for (const kind of kindsOf(plan)) {
        const operationId = operationIdFor(plan, kind);
        let operation: LineOperation;
        try {
          operation = await operationOf(plan, kind, trunkOf);
        } catch (err) {
          // A move whose target line never came: not asked, and said so.
          outcomes.push({ customerId: plan.customerId, direction: plan.direction, operationId, kind, state: 'no-answer', message: `never asked: ${err instanceof Error ? err.message : String(err)}`, calls: 0, seconds: 0 });
          continue;
        }
        const timelineBefore = kind === 'offboard' ? await patiently('read the timeline', 60_000, () => lastSeqOf(admin, trunkSid)) : undefined;
        const outcome = await operate(ctx, plan.direction, plan.customerId, operationId, operation);
        outcomes.push({ customerId: plan.customerId, direction: plan.direction, operationId, kind, operation, ...outcome, ...(timelineBefore !== undefined ? { timelineBefore } : {}) });
      }
    } finally {
      onDone?.();
    }
  });
  return { plans, outcomes, trunkSids, retries, retryReasons };
}

/** Operations by kind and by how they ended. */
export function countOperations(outcomes: OperationOutcome[]): Partial<Record<LineOperationKind, Partial<Record<OperationOutcomeState, number>>>> {
  const counts: Partial<Record<LineOperationKind, Partial<Record<OperationOutcomeState, number>>>> = {};
  for (const o of outcomes) {
    const byState = (counts[o.kind] ??= {});
    byState[o.state] = (byState[o.state] ?? 0) + 1;
  }
  return counts;
}

/**
 * What each succeeded customer should hold on Exotel after its operations, from how each ended: a done one
 * changed what it was asked to; a rolled-back, refused (or stale, or unconfirmed) one changed nothing; after one
 * that failed (not rolled back in full) or never answered, nobody knows: null, and only duplicates are judged.
 */
export function expectationsAfter(customers: CustomerPlan[], succeeded: (customerId: string) => boolean, result: LifecycleResult): Map<string, Expectation | null> {
  const expected = new Map<string, Expectation | null>(customers.filter((c) => succeeded(c.customerId)).map((c) => [c.customerId, expectationOf(c)]));
  const change = (customerId: string, fn: (e: Expectation) => Expectation) => {
    const e = expected.get(customerId);
    if (e) expected.set(customerId, fn(e));
  };
  const planOf = new Map(result.plans.map((p) => [p.customerId, p]));
  for (const o of result.outcomes) {
    const plan = planOf.get(o.customerId);
    if (o.state === 'failed' || o.state === 'no-answer') {
      expected.set(o.customerId, null);
      if (o.kind === 'move-did' && plan?.moveTo) expected.set(plan.moveTo, null);
      continue;
    }
    if (o.state !== 'done' || !plan) continue;
    const id = o.customerId;
    switch (o.kind) {
      case 'add-dids':
        change(id, (e) => ({ ...e, numbers: [...e.numbers, plan.addedDid ?? ''] }));
        // A Retell line may rotate with it (Retell takes the new number only with the password): one of the two.
        if (plan.platform && plan.direction === 'outbound') change(id, (e) => ({ ...e, credentialsOneOf: [...e.credentials, sipUserNameFor(id, 1)] }));
        break;
      case 'rotate-credential':
        change(id, (e) => ({ ...e, credentials: [...e.credentials, sipUserNameFor(id, 1)] }));
        break;
      case 'confirm-rotation':
        change(id, (e) => ({ ...e, credentials: e.credentials.filter((c) => c === sipUserNameFor(id, 1)) }));
        break;
      case 'move-did':
        change(id, (e) => ({ ...e, numbers: e.numbers.filter((n) => n !== plan.addedDid) }));
        if (plan.moveTo) change(plan.moveTo, (e) => ({ ...e, numbers: [...e.numbers, plan.addedDid ?? ''] }));
        break;
      case 'set-destinations':
        change(id, (e) => ({ ...e, destinations: (plan.newDestinations ?? []).map(normalizeDestination) }));
        break;
      case 'offboard':
        change(id, () => ({ trunk: false, numbers: [], credentials: [], aclIps: [], destinations: [] }));
        break;
      default:
        break;
    }
  }
  return expected;
}

/**
 * What the timeline is asked: every trunk whose credential was rotated and every inbound trunk whose destinations
 * were changed, never without one; every number that was moved, never unrouted. An offboarded customer's trunk
 * is judged up to the moment its offboard was asked (it deletes credentials and destinations on purpose).
 */
export function momentChecksOf(result: LifecycleResult): MomentChecks {
  const checks: MomentChecks = { credentials: [], destinations: [], numbers: [] };
  const offboardedAfter = new Map(result.outcomes.filter((o) => o.kind === 'offboard' && o.timelineBefore !== undefined).map((o) => [lineKey(o.direction, o.customerId), o.timelineBefore]));
  const asked = (o: OperationOutcome) => o.calls > 0;
  for (const o of result.outcomes.filter(asked)) {
    const key = lineKey(o.direction, o.customerId);
    const trunkSid = result.trunkSids.get(key);
    const throughSeq = offboardedAfter.get(key);
    const who = `${o.direction} ${o.customerId} (${o.kind} ${o.state})`;
    const at = throughSeq !== undefined ? { throughSeq } : {};
    if (o.kind === 'rotate-credential' && trunkSid) checks.credentials.push({ who, trunkSid, ...at });
    if (o.kind === 'set-destinations' && trunkSid) checks.destinations.push({ who, trunkSid, ...at });
    if (o.kind === 'move-did' && o.operation?.kind === 'move-did') checks.numbers.push({ who, did: o.operation.did, ...at });
  }
  return checks;
}

/**
 * The workflow task failures in the lines' histories, by cause and message. A kill or a restart makes a task time
 * out, never fail; a failure is the worker unable to run the line's code (an exception, a nondeterminism), or a
 * known race (UNHANDLED_COMMAND: a signal or an Update came while the task completed the workflow). While a task is
 * failing the server refuses Updates (FAILED_PRECONDITION), which the operations then retry.
 */
export async function workflowTaskFailures(client: Client, lines: { direction: Direction; customerId: string }[]): Promise<Record<string, number>> {
  const failures: Record<string, number> = {};
  const causes = temporal.api.enums.v1.WorkflowTaskFailedCause as unknown as Record<number, string>;
  await inPool(lines, 10, async ({ direction, customerId }) => {
    const workflowId = lineWorkflowId(direction, customerId);
    const history = await patiently(`history of ${workflowId}`, 60_000, () => client.workflow.getHandle(workflowId).fetchHistory());
    for (const event of history.events ?? []) {
      const failed = event.workflowTaskFailedEventAttributes;
      if (!failed) continue;
      const cause = (causes[failed.cause ?? 0] ?? String(failed.cause)).replace(/^WORKFLOW_TASK_FAILED_CAUSE_/, '');
      // Stored as "Encoded failure" (codec/failure-converter.ts): decoded, as any reader of failures does.
      const decoded = await decodeOptionalFailureToOptionalError(client.options.loadedDataConverter, failed.failure);
      const message = (decoded?.message ?? '').replace(/\s+/g, ' ').slice(0, 200);
      const key = `${cause}${message ? `: ${message}` : ''}`;
      failures[key] = (failures[key] ?? 0) + 1;
    }
  });
  return failures;
}
