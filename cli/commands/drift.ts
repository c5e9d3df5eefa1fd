// trunkctl drift scan | show | schedule: finding what changed on Exotel behind the project's back (docs/drift.md).
// `scan` starts a scan of one account (workflows/drift-scan.ts) and by default waits for its report; `show` reads a
// line's last result; `schedule` keeps an account's scans on a Temporal Schedule. Report only: nothing is repaired.
// Every flag is checked before anything connects: bad input is exit 2, naming the field, the value and the rule.
import { Command } from '@commander-js/extra-typings';
import { accessSync, constants, existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { DriftScanRequest } from '../../client/drift';
import { DEFAULT_DRIFT_SHARE, DEFAULT_REQUESTS_PER_MINUTE, type DriftReport } from '../../domain/drift-report';
import { InputValidationError, type ValidationIssue } from '../../domain/issues';
import { driftScheduleId } from '../../domain/naming';
import { durationMs } from '../../domain/rules';
import type { Direction } from '../../domain/setup';
import { exotelTaskQueue } from '../../domain/task-queue';
import { directionFlag, ExitCodes, required, taskQueueOf, UsageError, withClient, withConnectionFlags, type ConnectionFlags, type ExitCode } from '../context';
import { describeScheduleCommand, differenceCount, formatDriftReport, formatLineDrift, formatSchedule, type LineDriftEntry, type ScheduleShown } from '../format-drift';

/** Subcommands two levels down get the error handling main() gives the commands it sees (exit codes, output). */
function group(name: string, description: string): Command {
  return new Command(name).description(description).hook('preSubcommand', (parent, sub) => {
    sub.copyInheritedSettings(parent);
  });
}

interface ScanFlags extends ConnectionFlags {
  account?: string;
  share?: string;
  requestsPerMinute?: string;
  repair?: string;
}

const SHARE_HELP = `the share of the account's Exotel budget the scan may use, more than 0 and at most 1 (default ${DEFAULT_DRIFT_SHARE})`;
const REPAIR_HELP = 'kinds each drifted line repairs by itself, comma-separated: missing, changed, extra (extra removes what nobody recorded); default none: report only';
const BUDGET_HELP = `the account's budget in requests a minute, when it is not Exotel's ${DEFAULT_REQUESTS_PER_MINUTE}`;

/** A number flag as the request's check sees it: "abc" becomes NaN, refused by the check naming the field. */
const numeric = (value: string | undefined): number | undefined => (value === undefined ? undefined : Number(value));

/**
 * The scan's request, checked by the client's own rules (client/drift.ts), before anything connects. Issues show
 * the value as it was typed. `more` adds issues of the caller's (a Schedule's interval) so all are said at once.
 */
async function checkedScanRequest(flags: ScanFlags, more: ValidationIssue[] = []): Promise<DriftScanRequest> {
  const { checkDriftScanRequest } = await import('../../client/drift.js');
  const typed: Record<string, string | undefined> = { share: flags.share, requestsPerMinute: flags.requestsPerMinute, repair: flags.repair };
  const repair = flags.repair === undefined ? undefined : (flags.repair.split(',').map((k) => k.trim()).filter(Boolean) as DriftScanRequest['repair']);
  const share = numeric(flags.share);
  const requestsPerMinute = numeric(flags.requestsPerMinute);
  const request: DriftScanRequest = {
    exotelAccountSid: required('account', flags.account),
    ...(share !== undefined ? { share } : {}),
    ...(requestsPerMinute !== undefined ? { requestsPerMinute } : {}),
    ...(repair !== undefined ? { repair } : {}),
  };
  let issues: ValidationIssue[] = [];
  let checked = request;
  try {
    checked = checkDriftScanRequest(request);
  } catch (err) {
    if (!(err instanceof InputValidationError)) throw err;
    issues = err.issues.map((i) => ({ ...i, value: typed[i.field] ?? i.value }));
  }
  if (issues.length + more.length > 0) throw new InputValidationError([...issues, ...more]);
  return checked;
}

/** "one Exotel read every 7.5 s": the pace a share allows (the scan's own arithmetic, workflows/drift-scan.ts). */
function pace(request: DriftScanRequest): string {
  const share = request.share ?? DEFAULT_DRIFT_SHARE;
  const perMinute = request.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE;
  const seconds = Math.round(60_000 / (perMinute * share)) / 1000;
  return `at most one Exotel read every ${seconds} s (a share of ${share} of ${perMinute} requests a minute)`;
}

/** Where --report writes: refused (exit 2) before the scan starts when it exists without --force, or cannot be written. */
function reportTarget(file: string, force: boolean): string {
  const path = resolve(file);
  if (existsSync(path)) {
    if (statSync(path).isDirectory()) throw new UsageError(`--report ${file}: is a directory; name a file`);
    if (!force) throw new UsageError(`--report ${file}: the file exists; nothing was started (--force overwrites it)`);
  }
  try {
    accessSync(existsSync(path) ? path : dirname(path), constants.W_OK);
  } catch {
    throw new UsageError(`--report ${file}: cannot be written here (does ${dirname(path)} exist, and may it be written?)`);
  }
  return path;
}

/** TASK_QUEUE_TYPE_ACTIVITY, by value: loading @temporalio/proto's enums costs start-up time for one number. */
const ACTIVITY_TASK_QUEUE: temporal.api.enums.v1.TaskQueueType = 2;

/**
 * Every Exotel read runs on its account's task queue: for an account no worker serves (a mistyped --account), the
 * scan would wait for ever for its first read. Not knowing (the server will not say) goes ahead.
 */
async function mustBeServed(client: Client, accountSid: string): Promise<void> {
  const taskQueue = exotelTaskQueue(accountSid);
  let pollers: number;
  try {
    const answer = await client.workflowService.describeTaskQueue({ namespace: client.options.namespace, taskQueue: { name: taskQueue }, taskQueueType: ACTIVITY_TASK_QUEUE });
    pollers = answer.pollers?.length ?? 0;
  } catch {
    return;
  }
  if (pollers === 0) {
    throw new Error(`no worker serves Exotel account ${accountSid} (nothing polls task queue ${taskQueue}): check --account, or start a worker with that account. No scan was started`);
  }
}

/** The report of a scan once it ends (across its continue-as-new runs); a failed scan is exit 1 with its reason. */
async function reportOf(handle: WorkflowHandle): Promise<DriftReport> {
  const { WorkflowFailedError } = await import('@temporalio/client');
  try {
    return (await handle.result()) as DriftReport;
  } catch (err) {
    if (err instanceof WorkflowFailedError) throw new Error(`drift scan ${handle.workflowId} failed: ${err.cause?.message ?? err.message}`);
    throw err;
  }
}

const scanCommand = withConnectionFlags(
  new Command('scan')
    .description("read every trunk of an Exotel account once and each managed line's trunk, compare them with the lines' records, and report what differs (reads only: nothing is repaired)")
    .option('--account <sid>', 'required: the Exotel account sid (a worker must serve it)')
    .option('--share <fraction>', SHARE_HELP)
    .option('--requests-per-minute <n>', BUDGET_HELP)
    .option('--repair <kinds>', REPAIR_HELP)
    .option('--no-wait', 'start the scan, print its workflow id and exit 0 (the lines still get its result)')
    .option('--report <file>', "write the scan's whole report (JSON) to this file; an existing file is refused unless --force")
    .option('--force', 'with --report: overwrite the file')
    .option('--fail-on-drift', 'exit 1 when anything differs (for cron or CI); without it a finished scan is exit 0 either way'),
)
  .addHelpText(
    'after',
    `
Examples:
  trunkctl drift scan --account acme_in
  trunkctl drift scan --account acme_in --share 0.5 --report drift-acme_in.json --force
  trunkctl drift scan --account acme_in --fail-on-drift --json > drift.json
  trunkctl drift scan --account acme_in --no-wait

Reads: 1 list of the account's trunks, then 3 per outbound line (numbers, credentials, ACL) and 2 per inbound
line (numbers, destinations), paced to the share of the budget, at the lowest priority. --json prints the report
(DriftReport in domain/drift-report.ts). Stopping trunkctl while it waits does not stop the scan.
Exit codes: 0 the scan finished (drift or not; with --no-wait: started), 1 the scan failed or no worker serves the
account, or with --fail-on-drift something differs (an unmanaged trunk counts), 2 bad usage or input (nothing was
started).`,
  )
  .action(async (flags) => {
    process.exitCode = await scan(flags);
  });

async function scan(flags: ScanFlags & { wait: boolean; report?: string; force?: true; failOnDrift?: true }): Promise<ExitCode> {
  if (!flags.wait && flags.report !== undefined) throw new UsageError('--report needs the report: leave out --no-wait');
  if (!flags.wait && flags.failOnDrift) throw new UsageError('--fail-on-drift needs the report: leave out --no-wait');
  if (flags.force && flags.report === undefined) throw new UsageError('--force goes with --report <file>');
  const request = await checkedScanRequest(flags);
  const reportFile = flags.report !== undefined ? reportTarget(flags.report, !!flags.force) : undefined;
  return withClient(flags, async (client) => {
    const { startDriftScan } = await import('../../client/drift.js');
    await mustBeServed(client, request.exotelAccountSid);
    const handle = await startDriftScan(client, request, { taskQueue: taskQueueOf(flags) });
    const started = { workflowId: handle.workflowId, runId: handle.firstExecutionRunId, exotelAccountSid: request.exotelAccountSid };
    if (!flags.wait) {
      console.log(
        flags.json
          ? JSON.stringify(started)
          : `drift scan started: workflow ${handle.workflowId}, ${pace(request)}\n(each line it reaches shows the result: trunkctl drift show <customer>)`,
      );
      return ExitCodes.done;
    }
    if (!flags.json) console.log(`drift scan started: workflow ${handle.workflowId}, ${pace(request)}; waiting for its report (Ctrl-C stops waiting, not the scan)…`);
    const report = await reportOf(handle);
    let unwritten: string | undefined;
    if (reportFile) {
      try {
        // Not over a file that appeared while the scan ran, unless --force.
        writeFileSync(reportFile, `${JSON.stringify(report, null, 2)}\n`, { flag: flags.force ? 'w' : 'wx' });
      } catch (err) {
        unwritten = err instanceof Error ? err.message : String(err);
      }
    }
    const written = reportFile && unwritten === undefined ? { reportFile } : {};
    console.log(flags.json ? JSON.stringify(report) : formatDriftReport(report, written));
    // The report is printed either way; a file that could not be written is a failure (exit 1) all the same.
    if (unwritten !== undefined) throw new Error(`--report ${flags.report ?? ''}: the report could not be written: ${unwritten}`);
    return flags.failOnDrift && differenceCount(report) > 0 ? ExitCodes.failed : ExitCodes.done;
  });
}

const neverSetUp = (customerId: string, directions: Direction[]) =>
  `${customerId} has no ${directions.length === 1 ? directions[0] : 'outbound or inbound'} line: it was never set up (or run \`trunkctl line import\`)`;

const showCommand = withConnectionFlags(
  new Command('show')
    .description("what the last drift scan found on a customer's lines: state (in-sync, drifted), the scan, when, and each difference")
    .argument('<customer>', 'the customer id')
    .option('--direction <outbound|inbound>', 'one of the lines (default: every line the customer has)'),
)
  .addHelpText(
    'after',
    `
Examples:
  trunkctl drift show acme-42
  trunkctl drift show acme-42 --direction inbound --json

--json prints a list: one entry per line found, its "drift" null before any scan reached it (empty, exit 1, when
the customer has no line). A line keeps its last scan's differences (the first 50); a scan's --report has all.`,
  )
  .action(async (customerId, flags) => {
    const asked = directionFlag(flags.direction);
    const directions: Direction[] = asked ? [asked] : ['outbound', 'inbound'];
    process.exitCode = await withClient(flags, async (client) => {
      const entries = await lineDrifts(client, customerId, directions);
      if (flags.json) console.log(JSON.stringify(entries));
      else if (entries.length === 0) console.log(neverSetUp(customerId, directions));
      else console.log(entries.map(formatLineDrift).join('\n\n'));
      return entries.length === 0 ? ExitCodes.failed : ExitCodes.done;
    });
  });

async function lineDrifts(client: Client, customerId: string, directions: Direction[]): Promise<LineDriftEntry[]> {
  const { lookUpLine } = await import('../../client/lines.js');
  const found = await Promise.all(directions.map(async (direction) => ({ direction, lookup: await lookUpLine(client, direction, customerId) })));
  const entries: LineDriftEntry[] = [];
  for (const { direction, lookup } of found) {
    const base = { customerId, direction, workflowId: lookup.workflowId };
    if (lookup.state === 'managed') entries.push({ ...base, line: 'managed', exotelAccountSid: lookup.view.line.exotelAccountSid, drift: lookup.view.drift ?? null });
    else if (lookup.state === 'offboarded') entries.push({ ...base, line: 'offboarded', exotelAccountSid: lookup.line.exotelAccountSid, drift: null });
  }
  return entries;
}

interface ScheduleFlags extends ScanFlags {
  every?: string;
  pause?: true;
  unpause?: true;
  delete?: true;
}

const EVERY_RULE = "must be a duration of at least a minute, such as '1h' or '30m'";

const scheduleCommand = withConnectionFlags(
  new Command('schedule')
    .description("scan an account on a Temporal Schedule: create it, or change its interval, share or pause; or delete it")
    .option('--account <sid>', 'required: the Exotel account sid (one Schedule per account)')
    .option('--every <duration>', 'required (but with --delete): how often, e.g. 1h, 30m or 1d; at least a minute')
    .option('--share <fraction>', SHARE_HELP)
    .option('--requests-per-minute <n>', BUDGET_HELP)
    .option('--repair <kinds>', REPAIR_HELP)
    .option('--pause', 'create or keep it paused: no scan starts until it is unpaused')
    .option('--unpause', 'let it start scans again')
    .option('--delete', 'delete the account’s Schedule (scans already running finish); only --account goes with it'),
)
  .addHelpText(
    'after',
    `
Examples:
  trunkctl drift schedule --account acme_in --every 1h
  trunkctl drift schedule --account acme_in --every 6h --share 0.1 --pause
  trunkctl drift schedule --account acme_in --every 6h --unpause
  trunkctl drift schedule --account acme_in --delete

Each call states the whole Schedule: --share and --requests-per-minute left out go back to their defaults; the
pause is kept unless --pause or --unpause says otherwise. A scan still running when the next is due skips that one.
Also in the Temporal UI (Schedules) and with \`temporal schedule describe --schedule-id trunk-drift-schedule-<sid>\`.
Exit codes: 0 done (also: --delete of a Schedule that does not exist), 1 failed, 2 bad usage or input (nothing changed).`,
  )
  .action(async (flags) => {
    process.exitCode = await schedule(flags);
  });

async function schedule(flags: ScheduleFlags): Promise<ExitCode> {
  if (flags.delete) {
    const others = Object.entries({ '--every': flags.every, '--share': flags.share, '--requests-per-minute': flags.requestsPerMinute, '--pause': flags.pause, '--unpause': flags.unpause })
      .filter(([, value]) => value !== undefined)
      .map(([flag]) => flag);
    if (others.length) throw new UsageError(`--delete takes only --account (not ${others.join(', ')})`);
    const { exotelAccountSid } = await checkedScanRequest(flags);
    return withClient(flags, async (client) => {
      const { deleteDriftSchedule } = await import('../../client/drift.js');
      const scheduleId = driftScheduleId(exotelAccountSid);
      const deleted = await deleteDriftSchedule(client, exotelAccountSid);
      console.log(
        flags.json
          ? JSON.stringify({ scheduleId, exotelAccountSid, deleted })
          : deleted
            ? `deleted Schedule ${scheduleId}: no more scans start for ${exotelAccountSid} (one already running finishes)`
            : `no Schedule ${scheduleId}: nothing to delete`,
      );
      return ExitCodes.done;
    });
  }
  if (flags.pause && flags.unpause) throw new UsageError('--pause and --unpause: say one of them');
  const every = required('every', flags.every).trim();
  const ms = durationMs(every);
  // The client's own rule (upsertDriftSchedule), checked here with the request's so nothing connects first.
  const everyIssues: ValidationIssue[] = ms === null || ms < 60_000 ? [{ field: 'every', value: flags.every ?? '', rule: EVERY_RULE }] : [];
  const request = await checkedScanRequest(flags, everyIssues);
  const paused = flags.pause ? true : flags.unpause ? false : undefined;
  return withClient(flags, async (client) => {
    const { upsertDriftSchedule } = await import('../../client/drift.js');
    const { scheduleId, created } = await upsertDriftSchedule(client, { ...request, every, ...(paused !== undefined ? { paused } : {}) }, { taskQueue: taskQueueOf(flags) });
    // What the Schedule says now, not what was asked: the pause may have been kept.
    const described = await client.schedule.getHandle(scheduleId).describe();
    const shown: ScheduleShown = {
      scheduleId,
      created,
      exotelAccountSid: request.exotelAccountSid,
      every,
      share: request.share ?? DEFAULT_DRIFT_SHARE,
      requestsPerMinute: request.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE,
      paused: described.state.paused,
      nextActionTimes: described.state.paused ? [] : described.info.nextActionTimes.map((t) => t.toISOString()),
      describeCommand: describeScheduleCommand(scheduleId, { namespace: client.options.namespace, ...(flags.address ? { address: flags.address } : {}) }),
    };
    console.log(flags.json ? JSON.stringify(shown) : formatSchedule(shown));
    return ExitCodes.done;
  });
}

export const driftCommand = group('drift', "what changed on Exotel behind the project's back: scan an account, show a line's result, schedule scans (report only)")
  .addHelpText(
    'after',
    `
Examples:
  trunkctl drift scan --account acme_in
  trunkctl drift scan --account acme_in --report drift.json --fail-on-drift
  trunkctl drift show acme-42
  trunkctl drift schedule --account acme_in --every 1h

A scan reads only (GET requests), within a share of the account's budget and at the lowest priority; it tells each
line what differs (query \`line\` → drift; search attribute TrunkDriftState). Nothing is repaired yet.
See docs/drift.md.`,
  );
driftCommand.addCommand(scanCommand).addCommand(showCommand).addCommand(scheduleCommand);
