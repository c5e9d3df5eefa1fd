// What people read about customer lines: plans (each request, what it changes for callers, what stays and why),
// operation reports, the line's record, and import outcomes. The one secret an operation hands out (a rotation's
// new password) is masked unless asked for with --reveal.
import type { IssuedCredential, LineOperation, LineOperationKind, LineView, ManagedLine, OperationPlanSummary, OperationReport, Owned } from '../domain/line';
import type { OperationPlan } from '../domain/line-plans';
import type { Direction } from '../domain/setup';
import type { ImportOutcome } from '../client/lines';
import { table } from './format';

export const MASK = '******** (use --reveal to show)';

/** The CLI's word for an operation (`trunkctl line add-did`), by the operation's kind; other kinds go by their kind. */
export const OPERATION_WORDS: Partial<Record<LineOperationKind, string>> = {
  'add-dids': 'add-did',
  'remove-dids': 'remove-did',
  'set-mode': 'set-mode',
  'set-destinations': 'set-destinations',
  'rotate-credential': 'rotate',
  'confirm-rotation': 'confirm-rotation',
  offboard: 'offboard',
  adopt: 'adopt',
  'move-did': 'move-did',
};

/** Fields shown by value alone; any other shows as name=value. */
const PLAIN_FIELDS = new Set(['did', 'dids', 'mode', 'destinations']);

/** `remove-did +919800000001 +919800000002`, `set-mode +919800000001 flow`, `rotate (confirm within 7d, then finish)`. */
export function describeOperation(op: LineOperation): string {
  const word = OPERATION_WORDS[op.kind] ?? op.kind;
  if (op.kind === 'rotate-credential') return op.confirmWithin ? `${word} (confirm within ${op.confirmWithin}, then ${op.onTimeout ?? 'keep-both'})` : word;
  if (op.kind === 'move-did') return `${word} ${op.did} to ${op.toCustomerId} (trunk ${op.toTrunkSid})`;
  if (op.kind === 'adopt') {
    const how = [...(op.trunkSid ? [`trunk ${op.trunkSid}`] : []), ...(op.take ?? []).map((t) => `take ${t}`), ...(op.takeAll ? ['take-all'] : []), ...(op.mayDelete ? ['may-delete'] : [])];
    return `${word} ${op.did}${how.length ? ` (${how.join(', ')})` : ''}`;
  }
  const { kind: _kind, ...fields } = op as { kind: string } & Record<string, unknown>;
  const parts = Object.entries(fields).flatMap(([name, value]) => {
    const text = Array.isArray(value) ? value.map(String).join(PLAIN_FIELDS.has(name) ? ' ' : ',') : typeof value === 'string' ? value : JSON.stringify(value);
    return PLAIN_FIELDS.has(name) ? [text] : [`${name}=${text}`];
  });
  return [word, ...parts].join(' ');
}

/** Where an operation acts, for headings: `acme-42's outbound line (trunk trmum1…)`. */
export interface LineTarget {
  customerId: string;
  direction: Direction;
  workflowId: string;
  trunk?: { sid: string; name: string } | null;
}

const lineName = (t: LineTarget) => `${t.customerId}'s ${t.direction} line${t.trunk ? ` (trunk ${t.trunk.sid})` : ''}`;

/** One step as printed: a full plan has requests with bodies; a report's summary has method and path only. */
interface ShownStep {
  action: string;
  method?: string;
  path?: string;
  body?: Record<string, unknown>;
  effect: string;
}

function stepsOf(plan: OperationPlan | OperationPlanSummary): ShownStep[] {
  return plan.steps.map((s): ShownStep => {
    if ('request' in s) return { action: s.action, method: s.request.method, path: s.request.path, ...(s.request.body ? { body: s.request.body } : {}), effect: s.request.effect };
    return s;
  });
}

const SECRET_KEY = /password|secret|token/i;

/** The planner masks secrets already; a body is masked again here so that no printing path can show one. */
export function maskBody(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, SECRET_KEY.test(k) && v !== undefined ? '***' : v]));
}

/** A plan as `--json` prints it: the planner's own object, bodies masked (again). */
export function planJson(plan: OperationPlan): OperationPlan {
  return {
    ...plan,
    reads: plan.reads.map((r) => (r.body ? { ...r, body: maskBody(r.body) } : r)),
    steps: plan.steps.map((s) => ('request' in s && s.request.body ? { ...s, request: { ...s.request, body: maskBody(s.request.body) } } : s)),
  };
}

/** Steps that take something away from callers (an unmap, a delete, a mode change): what `--yes` is asked for. */
export function breakingEffects(plan: OperationPlan | OperationPlanSummary): string[] {
  return stepsOf(plan)
    .filter((s) => s.method === 'DELETE' || s.method === 'PUT')
    .map((s) => s.effect);
}

export function formatPlan(plan: OperationPlan | OperationPlanSummary, target: LineTarget, operation: LineOperation): string {
  if (operation.kind === 'adopt') return formatAdoptPlan(plan, target, operation);
  const lines = [`Plan: ${describeOperation(operation)} on ${lineName(target)}`];
  if (plan.reads.length) lines.push(`  read first: ${plan.reads.map((r) => `${r.method} ${r.path}`).join(', ')}`);
  const steps = stepsOf(plan);
  if (steps.length) {
    lines.push('Requests, in this order:');
    steps.forEach((s, i) => {
      const request = s.method ? `${s.method} ${s.path ?? ''}${s.body ? `  ${JSON.stringify(maskBody(s.body))}` : ''}` : `(no request: ${s.action})`;
      lines.push(`  ${i + 1}. ${request}`, `       ${s.effect}`);
    });
  } else if (plan.refusals.length === 0) {
    // An offboard with nothing to send: what is left is not this project's to delete (the notes say what).
    lines.push(operation.kind === 'offboard' && plan.notes.length ? 'Nothing to send: nothing left on Exotel is this project’s to delete.' : 'Nothing to send: Exotel already holds what was asked.');
  }
  if (plan.notes.length) lines.push(operation.kind === 'move-did' ? 'Note:' : 'Stays as it is:', ...plan.notes.map((n) => `  - ${n}`));
  if (plan.refusals.length) lines.push('Refused (nothing will be sent):', ...plan.refusals.map((r) => `  - ${r}`));
  lines.push(
    plan.destructive ? 'Destructive: yes: something stops working for callers, so it runs only with --yes' : 'Destructive: no',
    `Fingerprint: ${plan.fingerprint} (it runs only while Exotel still holds what this plan was made from)`,
  );
  return lines.join('\n');
}

/** The planner's note on what adopt leaves alone: `left as they are, not managed (…): number:+91…, acl:…`. */
const LEFT_NOTE = /^left as they are, not managed \([^)]*\): (.+)$/;

/** What an adoption leaves unmanaged (as `--take` values), and its other notes. */
export function adoptionLeft(notes: string[]): { left: string[]; notes: string[] } {
  const left: string[] = [];
  const other: string[] = [];
  for (const note of notes) {
    const m = LEFT_NOTE.exec(note);
    if (m?.[1]) left.push(...m[1].split(', '));
    else other.push(note);
  }
  return { left, notes: other };
}

/** A value as it can be pasted into a shell: `destination:…;transport=tls` needs quotes. */
const shellWord = (value: string) => (/^[A-Za-z0-9_:.+@/=-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`);

/**
 * An adoption's plan: the reads it makes (it sends no writes), what it takes over and what it leaves alone, with
 * the flags that would take the rest too.
 */
export function formatAdoptPlan(plan: OperationPlan | OperationPlanSummary, target: LineTarget, operation: Extract<LineOperation, { kind: 'adopt' }>, exotelAccountSid?: string): string {
  const lines = [`Plan: ${describeOperation(operation)} into ${lineName(target)}${exotelAccountSid ? `, Exotel account ${exotelAccountSid}` : ''}`];
  if (plan.reads.length) lines.push(`  reads: ${plan.reads.map((r) => `${r.method} ${r.path}`).join(', ')}`);
  lines.push('Sends no writes: adopting only reads Exotel and records in the line what it takes over.');
  const taken = stepsOf(plan).filter((s) => s.action === 'take-over');
  if (taken.length) lines.push('Taken over (managed by the line from now on):', ...taken.map((s) => `  - ${s.effect}`));
  const { left: fromNotes, notes } = adoptionLeft(plan.notes);
  const left = plan.left ?? fromNotes;
  if (left.length) {
    lines.push(
      'Left as they are, not managed:',
      ...left.map((l) => `  - ${l}`),
      `  (to take them too: ${left.map((l) => `--take ${shellWord(l)}`).join(' ')}, or --take-all)`,
    );
  }
  if (notes.length) lines.push('Notes:', ...notes.map((n) => `  - ${n}`));
  if (plan.refusals.length) lines.push('Refused (nothing is taken over):', ...plan.refusals.map((r) => `  - ${r}`));
  else if (taken.length && !operation.mayDelete) lines.push('What is taken over is never deleted by this project: a later offboard leaves it on Exotel (--may-delete allows that).');
  lines.push('Destructive: no', `Fingerprint: ${plan.fingerprint} (it runs only while Exotel still holds what this plan was made from)`);
  return lines.join('\n');
}

/** What a line manages after an adoption: each part with who made it and whether this project may delete it. */
export function formatManaged(line: ManagedLine, workflowId: string): string {
  const part = (what: string, o: Owned) => `  ${what}: ${o.origin}, may delete: ${yesNo(o.mayDelete)}`;
  return [
    `Managed now by ${line.customerId}'s ${line.direction} line (workflow ${workflowId}):`,
    ...(line.trunk ? [part(`trunk ${line.trunk.name} (${line.trunk.sid})`, line.trunk)] : ['  no trunk']),
    ...line.numbers.map((n) => part(`number ${n.did}`, n)),
    ...line.credentials.map((c) => part(`credential ${c.userName}`, c)),
    ...line.aclEntries.map((e) => part(`acl ${e.ip}`, e)),
    ...line.destinations.map((d) => part(`destination ${d.value}`, d)),
    `(the whole record: trunkctl line show ${line.customerId} --direction ${line.direction})`,
  ].join('\n');
}

/** The part of a move's report that says whether the number was routed at every moment. */
const UNROUTED = 'unrouted between the two requests';

/** For a move that is done: whether the number stayed routed, in words. */
export function moveRouting(report: OperationReport): { routedThroughout: boolean; text: string } | undefined {
  const op = report.operation;
  if (op.kind !== 'move-did' || report.state !== 'done') return undefined;
  if (report.routedThroughout === false || (report.routedThroughout === undefined && report.message.includes(UNROUTED))) {
    return {
      routedThroughout: false,
      text: `Routing: ${op.did} was unrouted for about one request: Exotel keeps a number on one trunk only, so it was unmapped here and mapped on ${op.toCustomerId}'s trunk ${op.toTrunkSid} right after.`,
    };
  }
  return { routedThroughout: true, text: `Routing: ${op.did} stayed routed at every moment: it was on ${op.toCustomerId}'s trunk ${op.toTrunkSid} before it was unmapped here.` };
}

/** Why a destructive plan did not run: what it would break, and how to go ahead. */
export function formatNeedsYes(plan: OperationPlan | OperationPlanSummary): string {
  return [
    'This stops working for callers:',
    ...breakingEffects(plan).map((e) => `  - ${e}`),
    'refusing without --yes: nothing was sent. Run it again with --yes to go ahead.',
  ].join('\n');
}

/** A rotation's credential as people and programs may see it: the password only with `reveal`. */
export function maskCredential(credential: IssuedCredential, reveal: boolean): IssuedCredential {
  return reveal ? credential : { ...credential, password: MASK };
}

export function maskReport(report: OperationReport, reveal: boolean): OperationReport {
  return report.issuedCredential ? { ...report, issuedCredential: maskCredential(report.issuedCredential, reveal) } : report;
}

/** The commands that decide about an operation waiting for ops. */
export function decideCommands(customerId: string, direction: Direction): string[] {
  return [`trunkctl line decide ${customerId} retry --direction ${direction}`, `trunkctl line decide ${customerId} rollback --direction ${direction}`];
}

export function formatReport(report: OperationReport, target: LineTarget, { reveal }: { reveal: boolean }): string {
  const lines: string[] = [];
  switch (report.state) {
    case 'done':
      lines.push(`done: ${report.message}`);
      break;
    case 'awaiting-ops':
      lines.push(`waiting for a decision: ${report.message}`, 'It rolls back by itself unless someone decides first:', ...decideCommands(target.customerId, target.direction).map((c) => `  ${c}`));
      lines.push(`  (where it stands: trunkctl line show ${target.customerId} --direction ${target.direction})`);
      if (report.operation.kind === 'rotate-credential') {
        // The line hands the new password only to whoever asks under the operation's id.
        lines.push(`  (once it is done, its new password: trunkctl line rotate ${target.customerId} --operation-id ${report.operationId} --reveal)`);
      }
      break;
    case 'stale':
      lines.push('Exotel changed since the plan: nothing was sent. The plan for what it holds now:');
      if (report.plan) lines.push(formatPlan(report.plan, target, report.operation));
      lines.push('Read it, then run it again.');
      break;
    case 'rolled-back':
      lines.push(`rolled back: ${report.message}`);
      break;
    default:
      lines.push(`${report.state}: ${report.message}`);
  }
  const routing = moveRouting(report);
  if (routing) lines.push(routing.text);
  if (report.rolledBack?.length && report.state !== 'rolled-back') lines.push(`rolled back: ${report.rolledBack.join('; ')}`);
  const issued = report.issuedCredential;
  if (issued) {
    const shown = maskCredential(issued, reveal);
    lines.push(
      '',
      'New digest credential: give it to the voice-AI platform (the old ones keep working until confirm-rotation):',
      table([
        ['  Digest user name', shown.userName],
        ['  Digest password', shown.password],
        ['  Credential id', shown.id],
      ]),
      `Once the platform signs in with it: trunkctl line confirm-rotation ${target.customerId} --yes`,
    );
  }
  lines.push(`operation ${report.operationId} at ${report.at}`);
  return lines.join('\n');
}

const yesNo = (b: boolean) => (b ? 'yes' : 'no');
const ownedCells = (o: Owned) => [o.origin, yesNo(o.mayDelete), o.since, o.by];
const OWNED_HEADER = ['ORIGIN', 'MAY DELETE', 'SINCE', 'BY'];

function section(title: string, rows: string[][], header: string[]): string[] {
  if (rows.length === 0) return [`${title}: none`];
  return [`${title}:`, indent(table([header, ...rows]))];
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');

/** The record of a running line: what it manages on Exotel, who made each part, and what runs on it. */
export function formatLineView(view: LineView, workflowId: string): string {
  const { line } = view;
  const lines = [
    `${line.customerId} ${line.direction} line: ${line.status}${line.pendingRotation ? ' (rotating)' : ''}   workflow ${workflowId}`,
    `Exotel account ${line.exotelAccountSid}${line.provider ? `, provider ${line.provider}` : ''}`,
    line.trunk
      ? `Trunk ${line.trunk.sid} (${line.trunk.name}): ${line.trunk.origin}, may delete: ${yesNo(line.trunk.mayDelete)}, since ${line.trunk.since} by ${line.trunk.by}`
      : 'Trunk: none under management',
    ...section(
      'Numbers',
      line.numbers.map((n) => [n.did, n.mode ?? '-', n.mappingId || '-', ...ownedCells(n)]),
      ['DID', 'MODE', 'MAPPING', ...OWNED_HEADER],
    ),
  ];
  if (line.direction === 'outbound' || line.credentials.length) {
    lines.push(
      ...section(
        'Credentials (user names only: passwords are never kept)',
        line.credentials.map((c) => [c.userName, String(c.generation), c.id || '-', ...ownedCells(c)]),
        ['USER NAME', 'GENERATION', 'ID', ...OWNED_HEADER],
      ),
    );
  }
  if (line.direction === 'outbound' || line.aclEntries.length) {
    lines.push(...section('Allowlisted IPs (ACL)', line.aclEntries.map((e) => [e.ip, e.id || '-', ...ownedCells(e)]), ['IP', 'ID', ...OWNED_HEADER]));
  }
  if (line.direction === 'inbound' || line.destinations.length) {
    lines.push(...section('Destinations', line.destinations.map((d) => [d.value, d.id || '-', ...ownedCells(d)]), ['DESTINATION', 'ID', ...OWNED_HEADER]));
  }
  if (line.platform) {
    const { provider, account, objects } = line.platform;
    lines.push(...section(`On the platform (${provider}, account ${account}, by its API)`, objects.map((o) => [o.kind, o.name, o.id, ...ownedCells(o)]), ['KIND', 'NAME', 'ID', ...OWNED_HEADER]));
  }
  const r = line.pendingRotation;
  if (r) {
    const deadline = r.decideBy ? `; at ${r.decideBy} it ${r.onTimeout === 'finish' ? 'finishes by itself (old credentials deleted)' : 'stops waiting and keeps both'}` : '; waits for a person';
    lines.push(
      `Pending rotation to ${r.userName} (credential ${r.credentialId}) since ${r.since}${deadline}`,
      `  once the platform signs in as ${r.userName}: trunkctl line confirm-rotation ${line.customerId} --yes`,
    );
  }
  if (view.current) {
    lines.push(`Running: ${view.current.operationId} ${describeOperation(view.current.operation)} (${view.current.state})`);
    if (view.current.state === 'awaiting-ops') lines.push(...decideCommands(line.customerId, line.direction).map((c) => `  ${c}`));
  }
  lines.push(
    view.queued.length ? `Queued: ${view.queued.map((q) => `${q.operationId} ${describeOperation(q.operation)}`).join('; ')}` : 'Queued: none',
    ...section(
      'Recent operations (newest last)',
      view.recent.map((rep) => [rep.at, rep.operationId, describeOperation(rep.operation), rep.state, rep.message]),
      ['AT', 'OPERATION ID', 'OPERATION', 'STATE', 'MESSAGE'],
    ),
  );
  return lines.join('\n');
}

/** An offboarded line's last record: everything this project owned on Exotel is gone. */
export function formatOffboardedLine(line: ManagedLine, workflowId: string, offboardedAt: string | undefined): string {
  return [
    `${line.customerId} ${line.direction} line: offboarded${offboardedAt ? ` on ${offboardedAt}` : ''}   workflow ${workflowId}`,
    `Exotel account ${line.exotelAccountSid}: everything this project owned on it for the customer was deleted.`,
    line.numbers.length ? `Still recorded (not this project's to delete): ${line.numbers.map((n) => n.did).join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

export function formatImport(outcomes: ImportOutcome[], { dryRun }: { dryRun: boolean }): string {
  const count = (o: ImportOutcome['outcome']) => outcomes.filter((x) => x.outcome === o).length;
  const word = (o: ImportOutcome['outcome']) => (o === 'imported' && dryRun ? 'would import' : o);
  const rows = outcomes.map((o) => [word(o.outcome), o.direction, o.customerId || '-', o.setupWorkflowId, o.reason ?? '']);
  const summary = `${outcomes.length} succeeded setup${outcomes.length === 1 ? '' : 's'}: ${count('imported')} ${dryRun ? 'to import' : 'imported'}, ${count('already-managed')} already managed, ${count('offboarded')} offboarded, ${count('unreadable')} unreadable`;
  return [...(rows.length ? [table([['OUTCOME', 'DIRECTION', 'CUSTOMER', 'SETUP', 'REASON'], ...rows])] : []), dryRun ? `${summary} (dry run: nothing was started)` : summary].join('\n');
}
