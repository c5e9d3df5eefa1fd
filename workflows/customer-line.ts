// One long-lived workflow per customer line (id: domain/naming.ts lineWorkflowId): it holds what this project
// manages on Exotel for the customer (domain/line.ts), runs the operations on it one at a time in the order they
// were asked (no two changes race on one trunk), answers `line` with the record, and continues as new as its
// history grows. A setup that succeeds starts it (or signals it) with what it made; it ends when offboarded.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  metricMeter,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { IssuedCredential, LineView, ManagedLine, OperationReport, OperationRequest } from '../domain/line';
import type { AwaitingOps, OpsDecision } from '../domain/setup';
import { parseLineOperation, parseOperationRequest } from '../domain/line-operation-request';
import { dueTimes, onTimers } from '../domain/line-timers';
import { driftStateOf, type LineDrift } from '../domain/drift-report';
import { SearchAttributes } from '../domain/search-attributes';
import { didMovedInSignal, driftObservedSignal, lineQuery, operateUpdate, operationSignal, planUpdate, setupSucceededSignal } from './line-messages';
import { planNow, runOperation } from './line-operation';
import { decideUpdate, decisionSignal } from './ops-gate';

export interface CustomerLineInput {
  line: ManagedLine;
  /** Carried across continue-as-new. */
  queued?: QueuedOperation[];
  recent?: OperationReport[];
  /**
   * The credential a pending rotation issued, by operation id, so its asker can fetch it again (operate with the
   * same id) until the rotation is confirmed; then it is dropped. Encrypted in history like every payload.
   */
  issued?: Record<string, IssuedCredential>;
  drift?: LineDrift;
}

interface QueuedOperation {
  operationId: string;
  request: OperationRequest;
}

/** Reports kept for the query and for answering a repeated operation id (across continue-as-new too). */
const RECENT_REPORTS = 50;
/** Differences a line keeps from its last scan. */
const DRIFT_DIFFERENCES_KEPT = 50;
/** Operations in one run before continuing as new, whatever the server suggests: a line lives for years. */
const OPERATIONS_PER_RUN = 100;

/**
 * Each operation run on a line, counted as it ends, by kind and outcome (its report's state). The workflow's meter is
 * replay-safe (nothing is recorded while a history replays) and adds no command; the worker's exporter serves it.
 */
const countOperation = (report: OperationReport): void =>
  metricMeter
    .createCounter('trunk_line_operations_total', undefined, 'Line (day-two) operations ended, by kind and outcome.')
    .add(1, { kind: report.operation.kind, outcome: report.state });

/** States after which an operation's asker has an answer (its end may come later, in `recent`). */
const AT_REST = new Set<OperationReport['state']>(['done', 'refused', 'stale', 'needs-confirmation', 'awaiting-ops', 'rolled-back', 'failed']);

export async function customerLine(input: CustomerLineInput): Promise<ManagedLine> {
  let line = input.line;
  const queue: QueuedOperation[] = [...(input.queued ?? [])];
  let recent: OperationReport[] = [...(input.recent ?? [])];
  /** Answers at rest, by operation id, including the secret a rotation hands its asker (never shown by the query). */
  const answers = new Map<string, OperationReport>();
  let current: { operationId: string; request: OperationRequest; state: OperationReport['state']; awaitingOps?: AwaitingOps } | undefined;
  let issued: Record<string, IssuedCredential> = { ...(input.issued ?? {}) };
  let drift: LineDrift | undefined = input.drift;
  let operationsThisRun = 0;

  const reportFor = (operationId: string): OperationReport | undefined => {
    const report = answers.get(operationId) ?? recent.find((r) => r.operationId === operationId);
    const credential = issued[operationId];
    return report && credential && !report.issuedCredential ? { ...report, issuedCredential: credential } : report;
  };
  const showState = (state: string) => upsertSearchAttributes([{ key: SearchAttributes.state, value: state }]);
  /** Offboarded, or started for an adoption that took nothing: the workflow ends, and says so in its result. */
  const managesAnything = () => line.status === 'active' && line.trunk !== null;
  const restingState = () => (line.status === 'offboarded' ? 'offboarded' : line.pendingRotation ? 'rotating' : 'active');
  /** The UI's current details at rest: a rotation waiting for its confirmation is a person's to finish. */
  const showRotationWait = () => setCurrentDetails(line.pendingRotation ? rotationWaitDetails(line) : '');
  showRotationWait();

  setHandler(lineQuery, (): LineView => ({
    line,
    ...(current
      ? {
          current: {
            operationId: current.operationId,
            operation: current.request.operation,
            state: current.state,
            ...(current.awaitingOps ? { awaitingOps: current.awaitingOps } : {}),
          },
        }
      : {}),
    queued: queue.map((q) => ({ operationId: q.operationId, operation: q.request.operation })),
    recent,
    ...(drift ? { drift } : {}),
  }));

  setHandler(planUpdate, (operation) => planNow(line, parseLineOperation(operation)), {
    validator: (operation) => {
      parseLineOperation(operation);
    },
  });

  setHandler(
    operateUpdate,
    async (asked) => {
      const request = parseOperationRequest(asked);
      const operationId = request.operationId ?? uuid4();
      const known = reportFor(operationId);
      if (known && JSON.stringify(known.operation) !== JSON.stringify(request.operation)) {
        throw new Error(`operationId ${operationId} was used for ${known.operation.kind} already: name this operation differently`);
      }
      if (known) return known;
      if (!queue.some((q) => q.operationId === operationId) && current?.operationId !== operationId) queue.push({ operationId, request });
      await condition(() => {
        const report = answers.get(operationId);
        return report !== undefined && AT_REST.has(report.state);
      });
      return answers.get(operationId) as OperationReport;
    },
    {
      validator: (asked) => {
        parseOperationRequest(asked);
        if (line.status === 'offboarded') throw new Error(`${line.customerId} (${line.direction}) is offboarded: nothing is left to operate on`);
      },
    },
  );

  setHandler(operationSignal, (asked) => {
    let request: OperationRequest;
    try {
      request = parseOperationRequest(asked);
    } catch (err) {
      // A signal cannot be refused to its sender: the refusal is kept where people and the sender look.
      const operationId = typeof asked?.operationId === 'string' ? asked.operationId : uuid4();
      const operation = (asked?.operation ?? { kind: 'offboard' });
      recent = [...recent, { operationId, operation, state: 'refused' as const, message: err instanceof Error ? err.message : String(err), at: new Date().toISOString() }].slice(-RECENT_REPORTS);
      return;
    }
    const operationId = request.operationId ?? uuid4();
    if (line.status === 'offboarded' || reportFor(operationId) || queue.some((q) => q.operationId === operationId) || current?.operationId === operationId) return;
    queue.push({ operationId, request });
  });

  // Until an operation waits (its gate takes these over), a decision has nothing to decide.
  const nothingWaits = (_decision: OpsDecision): never => {
    throw new Error(`no operation of ${line.customerId} (${line.direction}) waits for a decision`);
  };
  setHandler(decideUpdate, nothingWaits, { validator: nothingWaits });
  setHandler(decisionSignal, () => log.warn('a decision arrived while no operation waits for one'));

  /** Changes signalled while an operation runs: the line it ends with gets them too (else `line = after` drops them). */
  let arrivedDuring: ((l: ManagedLine) => ManagedLine)[] = [];
  const arrive = (change: (l: ManagedLine) => ManagedLine) => {
    line = change(line);
    if (current) arrivedDuring.push(change);
  };

  setHandler(setupSucceededSignal, ({ line: fromSetup, setupWorkflowId }) => {
    // A newer setup of the same line (a re-run for the customer) brings what it made; what operations added stays.
    arrive((line) => ({
      ...line,
      trunk: fromSetup.trunk,
      provider: fromSetup.provider ?? line.provider,
      numbers: mergeBy('did', line.numbers, fromSetup.numbers),
      credentials: mergeBy('id', line.credentials, fromSetup.credentials),
      aclEntries: mergeBy('id', line.aclEntries, fromSetup.aclEntries),
      destinations: mergeBy('id', line.destinations, fromSetup.destinations),
      ...(fromSetup.platform ? { platform: { ...fromSetup.platform, objects: mergeBy('id', line.platform?.objects ?? [], fromSetup.platform.objects) } } : {}),
      status: 'active',
    }));
    log.info('line took over a setup', { setupWorkflowId });
  });

  setHandler(driftObservedSignal, ({ scanId, at, differences, repair = [] }) => {
    // Kept short: the scan's report has them all.
    drift = { state: driftStateOf(differences), scanId, at, differences: differences.slice(0, DRIFT_DIFFERENCES_KEPT) };
    const operationId = `repair-${scanId}`;
    // Repaired through the same operation as a person's `repair`: planned, serialized, rolled back on failure.
    // What the platform's side disagrees on is reported; a repair puts back Exotel's side only.
    const repairable = differences.filter((d) => d.part !== 'platform');
    if (repairable.some((d) => (repair as string[]).includes(d.kind)) && !reportFor(operationId) && !queue.some((q) => q.operationId === operationId)) {
      queue.push({ operationId, request: { operation: { kind: 'repair', kinds: repair }, confirm: repair.includes('extra') } });
      drift.state = 'repairing';
    }
    upsertSearchAttributes([{ key: SearchAttributes.driftState, value: drift.state }]);
  });

  setHandler(didMovedInSignal, ({ did, mappingId, trunkSid, fromCustomerId, operationId }) => {
    // A move that named another trunk than this line's put the number somewhere this line does not manage.
    if (trunkSid && trunkSid !== line.trunk?.sid) {
      const message = `${fromCustomerId}'s move put ${did} on trunk ${trunkSid}, which is not this line's (${line.trunk?.sid ?? 'none'}): not taken`;
      log.warn(message);
      recent = [...recent, { operationId, operation: { kind: 'move-did' as const, did, toCustomerId: line.customerId, toTrunkSid: trunkSid }, state: 'refused' as const, message, at: new Date().toISOString() }].slice(-RECENT_REPORTS);
      return;
    }
    const owned = { origin: 'created' as const, mayDelete: true, since: new Date().toISOString(), by: `${operationId} (moved from ${fromCustomerId})` };
    arrive((line) => ({ ...line, numbers: [...line.numbers.filter((n) => n.did !== did), { ...owned, did, mappingId, mode: 'pstn' }] }));
  });

  showState(restingState());
  for (;;) {
    const timers = dueTimes(line);
    const ready = () => queue.length > 0 || !managesAnything() || operationsThisRun >= OPERATIONS_PER_RUN || workflowInfo().continueAsNewSuggested;
    const wait = timers.length ? Math.max(Math.min(...timers) - Date.now(), 1) : undefined;
    const timedOut = wait === undefined ? (await condition(ready), false) : !(await condition(ready, wait));
    if (timedOut) {
      const due = onTimers(line, Date.now());
      if (due.warning) log.warn(due.warning);
      queue.push(...due.queue);
      line = due.line;
      continue;
    }
    const next = queue.shift();
    if (next) {
      current = { ...next, state: 'running' };
      showState('running');
      const { line: after, report } = await runOperation(line, next.operationId, next.request, {
        onAwaiting: (awaiting, progress) => {
          if (!current) return;
          current.state = awaiting ? 'awaiting-ops' : 'running';
          showState(current.state);
          const waiting = awaiting ? progress.snapshot().awaitingOps : undefined;
          current.awaitingOps = waiting;
          if (!awaiting) return;
          // The asker gets an answer now; the operation's end shows in `recent` when a person has decided.
          const message = `step ${waiting?.step ?? '?'} failed for good (${waiting?.error ?? 'unknown'}): waiting for a decision, retry or rollback, until ${waiting?.rollsBackAt ?? '?'}`;
          answers.set(next.operationId, { operationId: next.operationId, operation: next.request.operation, state: 'awaiting-ops', message, at: new Date().toISOString() });
        },
      });
      line = arrivedDuring.reduce((l, change) => change(l), after);
      arrivedDuring = [];
      current = undefined;
      operationsThisRun++;
      answers.set(next.operationId, report);
      countOperation(report);
      if (report.issuedCredential) issued[next.operationId] = report.issuedCredential;
      // Confirmed or abandoned: the rotation's password is nobody's to fetch any more.
      if (!line.pendingRotation) issued = {};
      const { issuedCredential: _secret, ...shareable } = report;
      recent = [...recent.filter((r) => r.operationId !== next.operationId), shareable].slice(-RECENT_REPORTS);
      if (report.operation.kind === 'repair' && drift) {
        // What the repair could not put back (a lost credential, an extra it was not to remove) keeps it drifted.
        const inSync = report.state === 'done' && (report.plan?.unrepaired ?? []).length === 0;
        drift = { ...drift, state: inSync ? 'in-sync' : 'drifted' };
        upsertSearchAttributes([{ key: SearchAttributes.driftState, value: drift.state }]);
      }
      showState(restingState());
      showRotationWait();
      continue;
    }
    if (!managesAnything() && queue.length === 0) {
      // Answers to the last operations go out before the workflow ends.
      await condition(allHandlersFinished);
      if (queue.length > 0) continue;
      return line;
    }
    if (queue.length === 0) {
      await condition(allHandlersFinished);
      // Checked again: a handler may have queued work while the others finished.
      if (queue.length > 0) continue;
      await continueAsNew<typeof customerLine>({ line, recent, issued, ...(drift ? { drift } : {}) });
    }
  }
}

function mergeBy<K extends string, T extends Record<K, string>>(key: K, ours: T[], theirs: T[]): T[] {
  return [...ours.filter((o) => !theirs.some((t) => t[key] === o[key])), ...theirs];
}

/** Temporal markdown: which credential waits, what keeps working meanwhile, and how to finish it. */
function rotationWaitDetails(line: ManagedLine): string {
  const r = line.pendingRotation!;
  const command = (verb: string) => `\`trunkctl line ${verb} ${line.customerId} --direction ${line.direction}\``;
  return [
    `**Waiting for confirm-rotation**: credential \`${r.userName}\` was added ${r.since}; the older credentials keep working until it is confirmed.`,
    '',
    `- **confirm** once the platform signs in with the new credential: ${command('confirm-rotation')} (it shows what it deletes; \`--yes\` does it)`,
    r.decideBy
      ? `- **by itself** at ${r.decideBy}: ${r.onTimeout === 'finish' ? 'finishes the rotation (deletes the older credentials)' : 'stops waiting and keeps both'}`
      : '- nothing happens by itself: it waits for a person',
    `- the query \`line\` has the line and its operations (${command('show')})`,
  ].join('\n');
}

