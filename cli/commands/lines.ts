// trunkctl plan <operation> | line <operation>: day two on a customer line (workflows/customer-line.ts). `plan`
// reads Exotel and prints exactly what an operation would send, changing nothing; `line <operation>` prints that
// plan, stops when it is refused or would break something for callers without --yes, and then runs it against the
// plan it printed (nothing runs when Exotel changed since). `line show`, `line import` and `line decide` read,
// adopt and steer lines. `plan adopt` / `line adopt` take over a trunk made by hand (the customer may have no line
// yet); `move-did` looks the target customer's line up for its trunk first.
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { LineLookup } from '../../client/lines';
import { DEFAULT_LIST_LIMIT } from '../../client/list-limit';
import { InputValidationError, IssueCollector } from '../../domain/issues';
import type { LineOperation, LineOperationKind, ManagedLine, OperationReport, OperationRequest } from '../../domain/line';
import { parseLineOperation, parseOperationRequest } from '../../domain/line-operation-request';
import type { OperationPlan } from '../../domain/line-plans';
import { rules } from '../../domain/rules';
import type { Direction } from '../../domain/setup';
import { exotelTaskQueue } from '../../domain/task-queue';
import { collect, directionFlag, ExitCodes, required, taskQueueOf, UsageError, wholeNumberFlag, withClient, withConnectionFlags, type ConnectionFlags, type ExitCode } from '../context';
import {
  describeOperation,
  formatAdoptPlan,
  formatImport,
  formatLineView,
  formatManaged,
  formatNeedsYes,
  formatOffboardedLine,
  formatPlan,
  formatReport,
  maskReport,
  moveRouting,
  planJson,
  type LineTarget,
} from '../format-lines';

interface OperationFlags extends ConnectionFlags {
  direction?: string;
  did?: string[] | string;
  destination?: string[];
  mode?: string;
  confirmWithin?: string;
  onTimeout?: string;
  to?: string;
  everyDays?: string;
  off?: true;
  kinds?: string;
  // `line <operation>` only:
  yes?: true;
  operationId?: string;
  reveal?: true;
}

interface OperationSpec {
  name: string;
  description: string;
  /** The one direction the operation applies to: looked up when --direction is not given. */
  direction?: Direction;
  options: { flags: string; description: string; repeatable?: boolean }[];
  /** The operation as the flags ask for it; parseLineOperation checks it. */
  operation(flags: OperationFlags): unknown;
  /** Arguments after the customer in the help's example. */
  example: string;
  /** Its plan usually stops something working for callers: the examples say --yes. */
  destructive?: true;
  /** It hands out a secret (a rotation's password): `line` takes --reveal. */
  reveals?: true;
  /**
   * Fields found only once the line is known (move-did: the target line's trunk): the flags are checked without
   * them first, and the whole operation again once `complete` has filled them in, before anything is planned.
   */
  later?: { fields: string[]; complete(client: Client, draft: Record<string, unknown>, source: ManagedSource): Promise<Record<string, unknown>> };
}

const DID_HELP = 'a number in E.164, e.g. +919800000003; repeatable';
/** A repeatable flag's values; its absence is a usage error (the parser checks the values themselves). */
function listFlag(flag: string, values: string[] | string | undefined): string[] {
  const list = values === undefined ? [] : ([] as string[]).concat(values);
  if (list.length === 0) required(flag, undefined);
  return list;
}

const OPERATIONS: OperationSpec[] = [
  {
    name: 'add-did',
    description: "map more numbers onto the line's trunk",
    options: [{ flags: '--did <e164>', description: DID_HELP, repeatable: true }],
    operation: (f) => ({ kind: 'add-dids', dids: listFlag('did', f.did) }),
    example: '--did +919800000003',
  },
  {
    name: 'remove-did',
    destructive: true,
    description: "unmap numbers this project mapped from the line's trunk (destructive: needs --yes)",
    options: [{ flags: '--did <e164>', description: DID_HELP, repeatable: true }],
    operation: (f) => ({ kind: 'remove-dids', dids: listFlag('did', f.did) }),
    example: '--did +919800000003',
  },
  {
    name: 'set-destinations',
    destructive: true,
    description: 'replace an inbound trunk’s destinations: the new ones are added and read back before any old one goes (removing one needs --yes)',
    direction: 'inbound',
    options: [{ flags: '--destination <host:port;transport=tls|tcp>', description: 'where Exotel sends the calls; repeatable (all of them)', repeatable: true }],
    operation: (f) => ({ kind: 'set-destinations', destinations: listFlag('destination', f.destination) }),
    example: "--destination 'acme.sip.example.com:5061;transport=tls'",
  },
  {
    name: 'set-mode',
    destructive: true,
    description: "send a number's calls to the SIP trunk (pstn) or to its Exotel flow (flow) (destructive: needs --yes)",
    options: [
      { flags: '--did <e164>', description: 'the number, in E.164' },
      { flags: '--mode <pstn|flow>', description: 'pstn: calls go to the SIP trunk; flow: to the number’s Exotel flow' },
    ],
    operation: (f) => ({ kind: 'set-mode', did: required('did', f.did as string | undefined), mode: required('mode', f.mode) }),
    example: '--did +919800000001 --mode flow',
  },
  {
    name: 'rotate',
    reveals: true,
    description: 'add a new digest credential next to the current ones; they keep working until confirm-rotation',
    direction: 'outbound',
    options: [
      { flags: '--confirm-within <duration>', description: "how long to wait for confirm-rotation, e.g. 7d or 12h (default: until a person confirms)" },
      { flags: '--on-timeout <keep-both|finish>', description: 'with --confirm-within: at the deadline keep both credentials, or finish (delete the old ones)' },
    ],
    operation: (f) => ({
      kind: 'rotate-credential',
      ...(f.confirmWithin !== undefined ? { confirmWithin: f.confirmWithin } : {}),
      ...(f.onTimeout !== undefined ? { onTimeout: f.onTimeout.trim() } : {}),
    }),
    example: '--confirm-within 7d --on-timeout finish',
  },
  {
    name: 'confirm-rotation',
    destructive: true,
    description: 'the platform signs in with the rotation’s new credential: delete the older ones (destructive: needs --yes)',
    direction: 'outbound',
    options: [],
    operation: () => ({ kind: 'confirm-rotation' }),
    example: '',
  },
  {
    name: 'rotation-policy',
    description: 'rotate the credential by itself every N days (each rotation like `rotate`, old credentials kept until confirmed), or --off',
    direction: 'outbound',
    options: [
      { flags: '--every-days <n>', description: 'days between rotations, 1-3650' },
      { flags: '--off', description: 'stop rotating by itself' },
      { flags: '--confirm-within <duration>', description: 'each rotation waits this long for confirm-rotation, e.g. 7d' },
      { flags: '--on-timeout <keep-both|finish>', description: 'with --confirm-within: at the deadline keep both credentials, or finish' },
    ],
    operation: (f) => ({
      kind: 'set-rotation-policy',
      // The parser names the field and the rule for anything but a whole number of days.
      everyDays: f.off ? null : f.everyDays === undefined ? required('every-days', undefined) : Number(f.everyDays),
      ...(f.confirmWithin !== undefined ? { confirmWithin: f.confirmWithin } : {}),
      ...(f.onTimeout !== undefined ? { onTimeout: f.onTimeout.trim() } : {}),
    }),
    example: '--every-days 90 --confirm-within 7d',
  },
  {
    name: 'repair',
    description: 'put back what the line records and Exotel lost or changed (drift); --kinds extra also removes what nobody recorded',
    options: [{ flags: '--kinds <kinds>', description: 'comma-separated: missing, changed, extra (default missing,changed)' }],
    operation: (f) => ({ kind: 'repair', ...(f.kinds !== undefined ? { kinds: f.kinds.split(',').map((k) => k.trim()).filter(Boolean) } : {}) }),
    example: '--kinds missing',
  },
  {
    name: 'move-did',
    destructive: true,
    description:
      "move a number to another customer's running line of the same direction: mapped on its trunk first where Exotel allows a number on two trunks, else unmapped here and mapped there right after (destructive: needs --yes)",
    options: [
      { flags: '--did <e164>', description: 'the number, in E.164: it must be on this line, mapped by this project' },
      { flags: '--to <customer>', description: 'the customer whose line takes the number (it must run, in the same direction and Exotel account)' },
    ],
    operation: (f) => ({ kind: 'move-did', did: required('did', f.did as string | undefined), toCustomerId: required('to', f.to) }),
    later: { fields: ['operation.toTrunkSid'], complete: (client, draft, source) => withTargetTrunk(client, draft, source) },
    example: '--did +919800000003 --to acme-43',
  },
  {
    name: 'offboard',
    destructive: true,
    description: 'delete everything this project owns for the line on Exotel and end the line (destructive: needs --yes)',
    options: [],
    operation: () => ({ kind: 'offboard' }),
    example: '',
  },
];

const DIRECTION_HELP = 'which of the customer’s lines (default: the one it has)';

const EXIT_HELP = `
Exit codes: 0 done (or nothing to do); 1 refused, not confirmed (a destructive plan without --yes), stale (Exotel
changed since the plan: nothing was sent), rolled back or failed; 2 bad usage or input (nothing was read or sent);
3 a step failed for good and waits for a decision (trunkctl line decide).`;

/** Subcommands two levels down get the error handling main() gives the commands it sees (exit codes, output). */
function group(name: string, description: string): Command {
  return new Command(name).description(description).hook('preSubcommand', (parent, sub) => {
    sub.copyInheritedSettings(parent);
  });
}

function operationCommand(mode: 'plan' | 'run', spec: OperationSpec): CommandUnknownOpts {
  const command: CommandUnknownOpts = new Command(spec.name)
    .description(mode === 'plan' ? `what ${spec.name} would send (changes nothing): ${spec.description}` : spec.description)
    .argument('<customer>', 'the customer id');
  for (const o of spec.options) {
    if (o.repeatable) command.option(o.flags, o.description, collect);
    else command.option(o.flags, o.description);
  }
  if (mode === 'run') {
    command.option('--yes', 'go ahead although the plan stops something working for callers');
    command.option('--operation-id <id>', 'name the operation: asked again with the same id, it runs once and answers with its report');
    if (spec.reveals) command.option('--reveal', 'show the new password (masked otherwise; shown only in this answer)');
  }
  command.option('--direction <outbound|inbound>', spec.direction ? `which of the customer’s lines (default: ${spec.direction})` : DIRECTION_HELP);
  withConnectionFlags(command);
  const words = mode === 'plan' ? `trunkctl plan ${spec.name}` : `trunkctl line ${spec.name}`;
  const example = `${words} acme-42${spec.example ? ` ${spec.example}` : ''}`;
  const examples =
    mode === 'plan'
      ? `  ${example}\n  ${example} --json`
      : `  ${example}${spec.destructive ? ' --yes' : ''}\n  ${words} acme-42 --direction ${spec.direction ?? 'outbound'}${spec.example ? ` ${spec.example}` : ''}${spec.destructive ? ' --yes' : ''} --json`;
  command.addHelpText('after', `\nExamples:\n${examples}\n${mode === 'run' ? EXIT_HELP : ''}`);
  command.action(async (...args: unknown[]) => {
    const customerId = args[0] as string;
    const flags = (args.at(-1) as CommandUnknownOpts).opts() as OperationFlags;
    process.exitCode = await (mode === 'plan' ? planCommandFor(spec, customerId, flags) : runCommandFor(spec, customerId, flags));
  });
  return command;
}

/** A customer's lines in the directions asked, each as lookUpLine found it. */
interface Found {
  direction: Direction;
  lookup: LineLookup;
}

async function findLines(client: Client, customerId: string, directions: Direction[]): Promise<Found[]> {
  const { lookUpLine } = await import('../../client/lines.js');
  return Promise.all(directions.map(async (direction) => ({ direction, lookup: await lookUpLine(client, direction, customerId) })));
}

const directionsFor = (asked: Direction | undefined, implied?: Direction): Direction[] => (asked ? [asked] : implied ? [implied] : ['outbound', 'inbound']);

const neverSetUp = (customerId: string, directions: Direction[]) =>
  `${customerId} has no ${directions.length === 1 ? directions[0] : 'outbound or inbound'} line: it was never set up (or run \`trunkctl line import\`)`;

const on = (at: string | undefined) => (at ? ` on ${at}` : '');

/** When a line's workflow ended (offboarded): its close time. */
async function closedAt(client: Client, workflowId: string): Promise<string | undefined> {
  const described = await client.workflow.getHandle(workflowId).describe().catch(() => undefined);
  return described?.closeTime?.toISOString();
}

/** A running line an operation acts on, as lookUpLine found it. */
interface ManagedSource {
  target: LineTarget;
  lookup: Extract<LineLookup, { state: 'managed' }>;
}

type Resolved =
  | ({ kind: 'managed' } & ManagedSource)
  /** Nothing to operate on: a message and whether that is fine (an offboard of what is gone) or a failure. */
  | { kind: 'gone'; harmless: true; message: string; json: Record<string, unknown> }
  | { kind: 'gone'; harmless: false; message: string };

/**
 * The line an operation acts on: the one running line among those asked for. Two running lines without
 * --direction is a usage error; none is harmless for an offboard and a failure otherwise.
 */
async function resolveLine(client: Client, customerId: string, directions: Direction[], kind: LineOperationKind): Promise<Resolved> {
  const found = await findLines(client, customerId, directions);
  const managed = found.filter((f): f is Found & { lookup: Extract<LineLookup, { state: 'managed' }> } => f.lookup.state === 'managed');
  if (managed.length > 1) {
    throw new UsageError(`${customerId} has two lines, ${managed.map((m) => m.lookup.workflowId).join(' and ')}: say --direction outbound or --direction inbound`);
  }
  const [one] = managed;
  if (one) {
    const { line } = one.lookup.view;
    return { kind: 'managed', lookup: one.lookup, target: { customerId, direction: one.direction, workflowId: one.lookup.workflowId, trunk: line.trunk } };
  }
  const offboarded = await Promise.all(
    found.filter((f) => f.lookup.state === 'offboarded').map(async (f) => ({ direction: f.direction, workflowId: f.lookup.workflowId, at: await closedAt(client, f.lookup.workflowId) })),
  );
  if (kind === 'offboard') {
    const message =
      offboarded.length === 0
        ? `nothing to offboard: ${customerId} was never set up${directions.length === 1 ? ` (${directions[0]})` : ''}`
        : offboarded.map((o) => `nothing to offboard: ${customerId}'s ${o.direction} line was already offboarded${on(o.at)}`).join('\n');
    return {
      kind: 'gone',
      harmless: true,
      message,
      json: { customerId, outcome: 'nothing-to-offboard', ...(offboarded.length ? { offboarded } : { reason: 'never set up' }) },
    };
  }
  if (offboarded.length === 0) return { kind: 'gone', harmless: false, message: neverSetUp(customerId, directions) };
  const message = offboarded.map((o) => `${customerId}'s ${o.direction} line was offboarded${on(o.at)}: set it up again first`).join('\n');
  return { kind: 'gone', harmless: false, message };
}

/**
 * Parses now, except for the fields the line supplies later (move-did's target trunk): their issues wait until
 * the line is found; every other issue is thrown at once. Undefined when only those fields are missing.
 */
function checkAllBut<T>(later: readonly string[], parse: () => T): T | undefined {
  try {
    return parse();
  } catch (err) {
    if (!(err instanceof InputValidationError) || later.length === 0) throw err;
    const now = err.issues.filter((i) => !later.includes(i.field));
    if (now.length > 0) throw new InputValidationError(now);
    return undefined;
  }
}

interface CheckedFlags {
  /** The operation, unless some of its fields come from the line (OperationSpec.later). */
  operation?: LineOperation;
  draft: Record<string, unknown>;
  kind: LineOperationKind;
  directions: Direction[];
}

/** Checks the flags before anything connects: InputValidationError (exit 2) names each field, value and rule. */
function parseFlags(spec: OperationSpec, flags: OperationFlags): CheckedFlags {
  const asked = directionFlag(flags.direction);
  const draft = spec.operation(flags) as Record<string, unknown>;
  const operation = checkAllBut(spec.later?.fields ?? [], () => parseLineOperation(draft));
  return { operation, draft, kind: draft.kind as LineOperationKind, directions: directionsFor(asked, spec.direction) };
}

/** The whole operation, once the line it acts on is known; checked again by the parser. */
async function operationFor(spec: OperationSpec, client: Client, checked: CheckedFlags, source: ManagedSource): Promise<LineOperation> {
  if (checked.operation) return checked.operation;
  if (!spec.later) return parseLineOperation(checked.draft);
  return parseLineOperation(await spec.later.complete(client, checked.draft, source));
}

/**
 * move-did: the target customer's running line in the same direction, for its trunk. An absent, offboarded or
 * trunkless target, or one on another Exotel account, is said before anything is read on Exotel.
 */
async function withTargetTrunk(client: Client, draft: Record<string, unknown>, source: ManagedSource): Promise<Record<string, unknown>> {
  const to = typeof draft.toCustomerId === 'string' ? draft.toCustomerId.trim() : '';
  const { customerId, direction } = source.target;
  const did = typeof draft.did === 'string' ? draft.did.trim() : '';
  if (to === customerId) throw new UsageError(`--to ${to}: ${did} is on ${customerId}'s line already; a number moves to another customer`);
  const [found] = await findLines(client, to, [direction]);
  const lookup = found?.lookup;
  const nothingSent = 'Nothing was read on Exotel or sent.';
  if (!lookup || lookup.state === 'absent') {
    throw new Error(`${to} has no ${direction} line (never set up): a number moves only to a customer's running line; set ${to} up first. ${nothingSent}`);
  }
  if (lookup.state === 'offboarded') {
    throw new Error(`${to}'s ${direction} line was offboarded${on(await closedAt(client, lookup.workflowId))}: a number moves only to a running line. ${nothingSent}`);
  }
  const { trunk, exotelAccountSid } = lookup.view.line;
  if (!trunk) throw new Error(`${to}'s ${direction} line manages no trunk: there is nothing to map ${did} on. ${nothingSent}`);
  const here = source.lookup.view.line.exotelAccountSid;
  if (exotelAccountSid !== here) {
    throw new Error(`${to}'s ${direction} line is on Exotel account ${exotelAccountSid}, ${customerId}'s on ${here}: a number moves only within one account. ${nothingSent}`);
  }
  return { ...draft, toTrunkSid: trunk.sid };
}

async function planCommandFor(spec: OperationSpec, customerId: string, flags: OperationFlags): Promise<ExitCode> {
  const checked = parseFlags(spec, flags);
  return withClient(flags, async (client) => {
    const resolved = await resolveLine(client, customerId, checked.directions, checked.kind);
    if (resolved.kind === 'gone') return gone(resolved, flags);
    const operation = await operationFor(spec, client, checked, resolved);
    const { planOperationOn } = await import('../../client/lines.js');
    const plan = await viaUpdate(() => planOperationOn(client, resolved.target.direction, customerId, operation));
    console.log(flags.json ? JSON.stringify(planJson(plan)) : formatPlan(plan, resolved.target, operation));
    return plan.refusals.length > 0 ? ExitCodes.failed : ExitCodes.done;
  });
}

function gone(resolved: Extract<Resolved, { kind: 'gone' }>, flags: OperationFlags): ExitCode {
  // A failure goes the way of every other error (stderr; JSON there under --json), with exit 1.
  if (!resolved.harmless) throw new Error(resolved.message);
  console.log(flags.json ? JSON.stringify(resolved.json) : resolved.message);
  return ExitCodes.done;
}

/** Plan, print, stop when refused or unconfirmed, then run the plan as printed and report how it ended. */
async function runCommandFor(spec: OperationSpec, customerId: string, flags: OperationFlags): Promise<ExitCode> {
  const checked = parseFlags(spec, flags);
  // The operation id is checked with the request's own rules before anything is read.
  const requestFields = { ...(flags.operationId !== undefined ? { operationId: flags.operationId.trim() } : {}), confirm: !!flags.yes };
  checkAllBut(spec.later?.fields ?? [], () => parseOperationRequest({ operation: checked.operation ?? checked.draft, ...requestFields }));
  const reveal = !!flags.reveal;
  return withClient(flags, async (client) => {
    const resolved = await resolveLine(client, customerId, checked.directions, checked.kind);
    if (resolved.kind === 'gone') return gone(resolved, flags);
    const { target, lookup } = resolved;
    const operation = await operationFor(spec, client, checked, resolved);
    const asked: OperationRequest = parseOperationRequest({ operation, ...requestFields });
    const { operateOn, planOperationOn } = await import('../../client/lines.js');
    const out = (json: Record<string, unknown>, text: string) => console.log(flags.json ? JSON.stringify({ customerId, direction: target.direction, workflowId: target.workflowId, ...json }) : text);

    // Asked again under an id the line knows: its report, without planning again (the first run may have
    // changed what a new plan would say, a rotation's pending credential say).
    if (asked.operationId && knows(lookup.view, asked.operationId)) {
      const earlier = operationUnder(lookup.view, asked.operationId);
      if (earlier && JSON.stringify(earlier) !== JSON.stringify(operation)) {
        throw new UsageError(`--operation-id ${asked.operationId} named ${describeOperation(earlier)} already: pick another id for ${describeOperation(operation)}`);
      }
      const report = await viaUpdate(() => operateOn(client, target.direction, customerId, asked));
      out({ outcome: report.state, repeated: true, ...reportJson(report, reveal) }, `${asked.operationId} was asked already; its report:\n${formatReport(report, target, { reveal })}`);
      return exitFor(report);
    }

    const plan = await viaUpdate(() => planOperationOn(client, target.direction, customerId, operation));
    const shown = planJson(plan);
    if (!flags.json) console.log(formatPlan(plan, target, operation));
    if (plan.refusals.length > 0) {
      if (flags.json) out({ outcome: 'refused', plan: shown }, '');
      return ExitCodes.failed;
    }
    if (plan.destructive && !flags.yes) {
      out({ outcome: 'needs-confirmation', plan: shown, message: 'refusing without --yes: nothing was sent' }, `\n${formatNeedsYes(plan)}`);
      return ExitCodes.failed;
    }
    if (!flags.json) console.log('');
    const report = await viaUpdate(() => operateOn(client, target.direction, customerId, { ...asked, expectFingerprint: plan.fingerprint }));
    out({ outcome: report.state, plan: shown, ...reportJson(report, reveal) }, formatReport(report, target, { reveal }));
    return exitFor(report);
  });
}

/** A report as --json prints it: the password masked unless --reveal; a move says whether the number stayed routed. */
function reportJson(report: OperationReport, reveal: boolean): Record<string, unknown> {
  const routing = moveRouting(report);
  return { report: maskReport(report, reveal), ...(routing ? { routedThroughout: routing.routedThroughout } : {}) };
}

const knows = (view: Extract<LineLookup, { state: 'managed' }>['view'], operationId: string) => operationUnder(view, operationId) !== undefined;

function operationUnder(view: Extract<LineLookup, { state: 'managed' }>['view'], operationId: string): LineOperation | undefined {
  if (view.current?.operationId === operationId) return view.current.operation;
  return view.queued.find((q) => q.operationId === operationId)?.operation ?? view.recent.find((r) => r.operationId === operationId)?.operation;
}

function exitFor(report: OperationReport): ExitCode {
  if (report.state === 'done') return ExitCodes.done;
  if (report.state === 'awaiting-ops') return ExitCodes.awaitingOps;
  return ExitCodes.failed;
}

/** An Update the line refused (its validator threw): the line's reason, not the SDK's "Workflow Update failed". */
async function viaUpdate<T>(call: () => Promise<T>): Promise<T> {
  const { WorkflowUpdateFailedError } = await import('@temporalio/client');
  try {
    return await call();
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause) throw new Error(err.cause.message);
    throw err;
  }
}

const showCommand = withConnectionFlags(
  new Command('show')
    .description("a customer's lines: trunk, numbers (who mapped them, whether this project may delete them), credentials (user names only), ACL, destinations, a pending rotation, what runs and recent operations")
    .argument('<customer>', 'the customer id')
    .option('--direction <outbound|inbound>', 'one of the lines (default: every line the customer has)'),
)
  .addHelpText('after', '\nExamples:\n  trunkctl line show acme-42\n  trunkctl line show acme-42 --direction inbound --json\n\n--json prints a list: one entry per line found (empty, exit 1, when none).')
  .action(async (customerId, flags) => {
    const directions = directionsFor(directionFlag(flags.direction));
    process.exitCode = await withClient(flags, async (client) => {
      const found = (await findLines(client, customerId, directions)).filter((f) => f.lookup.state !== 'absent');
      const entries = await Promise.all(
        found.map(async ({ direction, lookup }) => ({
          customerId,
          direction,
          ...lookup,
          ...(lookup.state === 'offboarded' ? { offboardedAt: await closedAt(client, lookup.workflowId) } : {}),
        })),
      );
      if (flags.json) console.log(JSON.stringify(entries));
      else if (entries.length === 0) console.log(neverSetUp(customerId, directions));
      else {
        const texts = entries.map((e) => (e.state === 'managed' ? formatLineView(e.view, e.workflowId) : e.state === 'offboarded' ? formatOffboardedLine(e.line, e.workflowId, e.offboardedAt) : ''));
        console.log(texts.join('\n\n'));
      }
      return entries.length === 0 ? ExitCodes.failed : ExitCodes.done;
    });
  });

const importCommand = withConnectionFlags(
  new Command('import')
    .description('bring setups that succeeded before lines existed under management: each gets its line (nothing on Exotel is read or changed)')
    .option('--dry-run', 'say what would be imported; start nothing')
    .option('--limit <n>', `look at most at this many succeeded setups (default ${DEFAULT_LIST_LIMIT})`),
)
  .addHelpText('after', '\nExamples:\n  trunkctl line import --dry-run\n  trunkctl line import --limit 500\n\nLines start on the task queue of --task-queue / TEMPORAL_TASK_QUEUE. Exit 1 when a setup could not be read.')
  .action(async (flags) => {
    const limit = wholeNumberFlag('limit', flags.limit) ?? DEFAULT_LIST_LIMIT;
    process.exitCode = await withClient(flags, async (client) => {
      const { importSucceededSetups } = await import('../../client/lines.js');
      const dryRun = !!flags.dryRun;
      const outcomes = await importSucceededSetups(client, { taskQueue: taskQueueOf(flags), limit, dryRun });
      console.log(flags.json ? JSON.stringify({ dryRun, outcomes }) : formatImport(outcomes, { dryRun }));
      return outcomes.some((o) => o.outcome === 'unreadable') ? ExitCodes.failed : ExitCodes.done;
    });
  });

const decideCommand = withConnectionFlags(
  new Command('decide')
    .description("an operation on the line waits for a decision after a step failed for good: run the step again, or roll the operation back")
    .argument('<customer>', 'the customer id')
    .argument('<action>', 'retry or rollback')
    .option('--direction <outbound|inbound>', DIRECTION_HELP)
    .option('--note <text>', 'who decided and why'),
)
  .addHelpText('after', '\nExamples:\n  trunkctl line decide acme-42 retry\n  trunkctl line decide acme-42 rollback --direction inbound --note "Exotel support asked us to"\n\nThe operation goes on in the line: trunkctl line show <customer> shows how it ended.')
  .action(async (customerId, action, flags) => {
    if (action !== 'retry' && action !== 'rollback') throw new UsageError(`${action}: must be retry or rollback`);
    const directions = directionsFor(directionFlag(flags.direction));
    process.exitCode = await withClient(flags, async (client) => {
      const found = await findLines(client, customerId, directions);
      const waiting = found.filter((f) => f.lookup.state === 'managed' && f.lookup.view.current?.state === 'awaiting-ops');
      if (waiting.length > 1) throw new UsageError(`both lines of ${customerId} wait for a decision: say --direction outbound or --direction inbound`);
      const [one] = waiting;
      if (!one) {
        if (found.every((f) => f.lookup.state === 'absent')) throw new Error(neverSetUp(customerId, directions));
        throw new Error(`no operation on ${customerId}'s ${directions.length === 1 ? `${directions[0]} ` : ''}line waits for a decision`);
      }
      const [{ decideUpdate }, { WorkflowUpdateFailedError }] = await Promise.all([import('../../workflows/ops-gate.js'), import('@temporalio/client')]);
      const current = one.lookup.state === 'managed' ? one.lookup.view.current : undefined;
      const decision = { action: action, ...(flags.note ? { note: flags.note } : {}) };
      const base = { customerId, direction: one.direction, workflowId: one.lookup.workflowId, operationId: current?.operationId };
      let outcome: string;
      try {
        outcome = await client.workflow.getHandle(one.lookup.workflowId).executeUpdate(decideUpdate, { args: [decision] });
      } catch (err) {
        if (!(err instanceof WorkflowUpdateFailedError)) throw err;
        const reason = err.cause?.message ?? err.message;
        console.log(flags.json ? JSON.stringify({ ...base, refused: reason }) : `refused: ${reason}`);
        return ExitCodes.failed;
      }
      console.log(
        flags.json
          ? JSON.stringify({ ...base, outcome })
          : `${one.direction} line of ${customerId}, operation ${current?.operationId ?? '?'} (${current ? describeOperation(current.operation) : '?'}): ${outcome}\n(how it ends: trunkctl line show ${customerId} --direction ${one.direction})`,
      );
      return ExitCodes.done;
    });
  });

interface AdoptFlags extends ConnectionFlags {
  did?: string;
  account?: string;
  direction?: string;
  trunk?: string;
  take?: string[];
  takeAll?: true;
  mayDelete?: true;
  // `line adopt` only:
  operationId?: string;
}

const ADOPT_WHAT =
  'take over a trunk made by hand, found by one of its numbers: the trunk and that number always, plus what --take names (or everything, --take-all)';

const ADOPT_EXAMPLE = 'acme-77 --did +919800000077 --account acme_in --direction outbound';

const ADOPT_READ_ONLY = `
Adopting sends no writes to Exotel: it reads the number's trunk (trunk-maps, or every trunk's numbers where Exotel
does not answer that) and the trunk's numbers, credentials, ACL and destinations, and records in the line what it
takes over. What it takes over is never deleted by this project (a later offboard leaves it on Exotel) unless
--may-delete was given here. --account is needed when the customer has no line in that direction yet (with one,
it is the line's account).`;

function adoptCommand(mode: 'plan' | 'run'): CommandUnknownOpts {
  const command: CommandUnknownOpts = new Command('adopt')
    .description(mode === 'plan' ? `what adopt would take over and leave alone (reads Exotel, sends no writes): ${ADOPT_WHAT}` : `${ADOPT_WHAT}; sends no writes to Exotel`)
    .argument('<customer>', 'the customer id whose line takes the trunk over (it may have no line yet)')
    .option('--did <e164>', 'a number on the trunk, in E.164: it finds the trunk and is always taken over')
    .option('--direction <outbound|inbound>', 'which of the customer’s lines takes the trunk (required: there may be no line yet)')
    .option('--account <exotelAccountSid>', 'the Exotel account the trunk is on (required when the customer has no line in that direction yet)')
    .option('--trunk <sid>', 'the trunk, when the number is on several (default: the one trunk it is on)')
    .option('--take <part>', 'also take over number:+91…, credential:<user>, acl:<ip> or destination:<host:port;transport=…>; repeatable', collect)
    .option('--take-all', 'take over everything on the trunk')
    .option('--may-delete', 'let later operations (an offboard) delete what is taken over; default: never deleted by this project');
  if (mode === 'run') command.option('--operation-id <id>', 'name the operation: asked again with the same id, it runs once and answers with its report');
  withConnectionFlags(command);
  const examples =
    mode === 'plan'
      ? `  trunkctl plan adopt ${ADOPT_EXAMPLE}\n  trunkctl plan adopt ${ADOPT_EXAMPLE} --take-all --json`
      : `  trunkctl line adopt ${ADOPT_EXAMPLE} --take credential:alice\n  trunkctl line adopt acme-42 --did +919800000002 --direction inbound --take-all --may-delete --json`;
  const modeHelp =
    mode === 'plan'
      ? `When the customer has no line in that direction yet, the plan runs in an empty line workflow started for it,
which ends by itself (it manages nothing): Exotel is only read (GET requests) either way.
Exit codes: 0 it can be adopted as asked, 1 refused (see "Refused"), 2 bad usage or input (nothing was read).`
      : `No --yes: adopting stops nothing working for callers. It prints the plan, then runs exactly that plan (nothing
runs when Exotel changed since), and shows what the line manages now.
${EXIT_HELP.trim()}`;
  command.addHelpText('after', `\nExamples:\n${examples}\n${ADOPT_READ_ONLY}\n\n${modeHelp}`);
  command.action(async (...args: unknown[]) => {
    const customerId = args[0] as string;
    const flags = (args.at(-1) as CommandUnknownOpts).opts() as AdoptFlags;
    process.exitCode = await adopt(mode, customerId, flags);
  });
  return command;
}

type AdoptRequest = OperationRequest & { operation: Extract<LineOperation, { kind: 'adopt' }> };

/** The flags as an adoption request, every problem at once (exit 2) before anything connects. */
function parseAdoptFlags(customerId: string, flags: AdoptFlags): { direction: Direction; account?: string; asked: AdoptRequest } {
  const direction = directionFlag(required('direction', flags.direction)) as Direction;
  const draft = {
    kind: 'adopt',
    did: required('did', flags.did),
    ...(flags.trunk !== undefined ? { trunkSid: flags.trunk } : {}),
    ...(flags.take ? { take: flags.take } : {}),
    ...(flags.takeAll ? { takeAll: true } : {}),
    ...(flags.mayDelete ? { mayDelete: true } : {}),
  };
  const c = new IssueCollector();
  // The line's workflow id is made of the customer id: it may be started here, so the id is checked as a setup's is.
  c.check('customerId', customerId, rules.customerId);
  const account = flags.account?.trim();
  if (account !== undefined) c.check('exotelAccountSid', account, rules.accountSid);
  let asked: AdoptRequest | undefined;
  try {
    asked = parseOperationRequest({ operation: draft, ...(flags.operationId !== undefined ? { operationId: flags.operationId.trim() } : {}) }) as AdoptRequest;
  } catch (err) {
    if (!(err instanceof InputValidationError)) throw err;
    c.issues.push(...err.issues);
  }
  c.throwIfAny();
  return { direction, ...(account !== undefined ? { account } : {}), asked: asked as AdoptRequest };
}

/** The account to adopt on: a running line's own; otherwise --account, which some worker must serve. */
async function adoptionAccount(client: Client, customerId: string, direction: Direction, lookup: LineLookup, account: string | undefined): Promise<string> {
  if (lookup.state === 'managed') {
    const own = lookup.view.line.exotelAccountSid;
    if (account !== undefined && account !== own) {
      throw new UsageError(`--account ${account}: ${customerId}'s ${direction} line is on Exotel account ${own}; leave --account out, or adopt under another customer id`);
    }
    return own;
  }
  if (account === undefined) {
    const why = lookup.state === 'offboarded' ? 'it was offboarded' : 'none was set up';
    throw new UsageError(`--account is required: ${customerId} has no running ${direction} line (${why}), so name the Exotel account the trunk is on`);
  }
  await mustBeServed(client, account);
  return account;
}

/** TASK_QUEUE_TYPE_ACTIVITY, by value: loading @temporalio/proto's enums costs start-up time for one number. */
const ACTIVITY_TASK_QUEUE: temporal.api.enums.v1.TaskQueueType = 2;

/**
 * Every Exotel request runs on its account's task queue: for an account no worker serves (a mistyped --account),
 * the plan would wait minutes for a worker that never comes. Not knowing (the server will not say) goes ahead.
 */
async function mustBeServed(client: Client, accountSid: string): Promise<void> {
  const taskQueue = exotelTaskQueue(accountSid);
  let pollers: number;
  try {
    const answer = await client.workflowService.describeTaskQueue({
      namespace: client.options.namespace,
      taskQueue: { name: taskQueue },
      taskQueueType: ACTIVITY_TASK_QUEUE,
    });
    pollers = answer.pollers?.length ?? 0;
  } catch {
    return;
  }
  if (pollers === 0) {
    throw new Error(`no worker serves Exotel account ${accountSid} (nothing polls task queue ${taskQueue}): check --account, or start a worker with that account. Nothing was read or sent`);
  }
}

/** `plan adopt` prints the plan; `line adopt` prints it, runs exactly it, and shows what the line manages now. */
async function adopt(mode: 'plan' | 'run', customerId: string, flags: AdoptFlags): Promise<ExitCode> {
  const { direction, account, asked } = parseAdoptFlags(customerId, flags);
  return withClient(flags, async (client) => {
    const { adoptInto, lookUpLine } = await import('../../client/lines.js');
    const lookup = await lookUpLine(client, direction, customerId);
    const exotelAccountSid = await adoptionAccount(client, customerId, direction, lookup, account);
    const where = { direction, customerId, exotelAccountSid, taskQueue: taskQueueOf(flags) };
    const target: LineTarget = { customerId, direction, workflowId: lookup.workflowId, trunk: lookup.state === 'managed' ? lookup.view.line.trunk : null };
    const out = (json: Record<string, unknown>, text: string) => console.log(flags.json ? JSON.stringify({ customerId, direction, workflowId: target.workflowId, exotelAccountSid, ...json }) : text);

    if (mode === 'run' && asked.operationId && lookup.state === 'managed' && knows(lookup.view, asked.operationId)) {
      const earlier = operationUnder(lookup.view, asked.operationId);
      if (earlier && JSON.stringify(earlier) !== JSON.stringify(asked.operation)) {
        throw new UsageError(`--operation-id ${asked.operationId} named ${describeOperation(earlier)} already: pick another id for ${describeOperation(asked.operation)}`);
      }
      const report = (await viaUpdate(() => adoptInto(client, where, asked))) as OperationReport;
      out({ outcome: report.state, repeated: true, report }, `${asked.operationId} was asked already; its report:\n${formatReport(report, target, { reveal: false })}`);
      return exitFor(report);
    }

    // Starts an empty line for the plan when there is none; it ends by itself, having adopted nothing.
    const plan = (await viaUpdate(() => adoptInto(client, where, asked, { planOnly: true }))) as OperationPlan;
    const text = formatAdoptPlan(plan, target, asked.operation, exotelAccountSid);
    if (mode === 'plan') {
      console.log(flags.json ? JSON.stringify(planJson(plan)) : text);
      return plan.refusals.length > 0 ? ExitCodes.failed : ExitCodes.done;
    }
    const shown = planJson(plan);
    if (!flags.json) console.log(text);
    if (plan.refusals.length > 0) {
      if (flags.json) out({ outcome: 'refused', plan: shown }, '');
      return ExitCodes.failed;
    }
    if (!flags.json) console.log('');
    const report = (await viaUpdate(() => adoptInto(client, where, { ...asked, expectFingerprint: plan.fingerprint }))) as OperationReport;
    let managed: ManagedLine | undefined;
    if (report.state === 'done') {
      const now = await lookUpLine(client, direction, customerId);
      if (now.state === 'managed') managed = now.view.line;
    }
    out(
      { outcome: report.state, plan: shown, report, ...(managed ? { line: managed } : {}) },
      [formatReport(report, target, { reveal: false }), ...(managed ? ['', formatManaged(managed, lookup.workflowId)] : [])].join('\n'),
    );
    return exitFor(report);
  });
}

export const planCommand = group('plan', 'what an operation on a customer line would send to Exotel, read from what Exotel holds now; changes nothing')
  .addHelpText(
    'after',
    `
Examples:
  trunkctl plan add-did acme-42 --did +919800000003
  trunkctl plan offboard acme-42 --direction inbound --json
  trunkctl plan move-did acme-42 --did +919800000003 --to acme-43
  trunkctl plan adopt acme-77 --did +919800000077 --account acme_in --direction outbound

Exit codes: 0 it can be done as asked (or there is nothing to do), 1 refused (see "Refused") or no such line,
2 bad usage or input (nothing was read). --json prints the plan itself (OperationPlan in domain/line-plans.ts).`,
  );
for (const spec of OPERATIONS) planCommand.addCommand(operationCommand('plan', spec));
planCommand.addCommand(adoptCommand('plan'));

export const lineCommand = group('line', "day two on a customer's line: change it (plan first, then run), show it, import setups, decide")
  .addHelpText(
    'after',
    `
Examples:
  trunkctl line show acme-42
  trunkctl line add-did acme-42 --did +919800000003
  trunkctl line remove-did acme-42 --did +919800000003 --yes
  trunkctl line rotate acme-42 --confirm-within 7d --reveal
  trunkctl line move-did acme-42 --did +919800000003 --to acme-43 --yes
  trunkctl line adopt acme-77 --did +919800000077 --account acme_in --direction outbound --take credential:alice
  trunkctl line offboard acme-42 --direction inbound --yes

Every change prints its plan first and runs only that plan: a destructive one (something stops working for
callers) needs --yes, and nothing runs when Exotel changed since the plan was read.
${EXIT_HELP.trim()}`,
  );
for (const spec of OPERATIONS) lineCommand.addCommand(operationCommand('run', spec));
lineCommand.addCommand(adoptCommand('run'));
lineCommand.addCommand(showCommand).addCommand(importCommand).addCommand(decideCommand);
