// trunkctl drift as ops use it, against the real dev server, a real worker and the simulator: drift made by hand
// (as a person with the console would) is found by `drift scan`, which only reads; its report is printed, written
// to a file (never over one without --force) and, with --fail-on-drift, is exit 1; `drift show` gives a line's last
// result; `drift schedule` creates, updates and deletes the account's Schedule; bad input is exit 2 before anything.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScheduleNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lookUpLine } from '../../client/lines';
import type { Difference, DriftReport } from '../../domain/drift-report';
import type { LineView } from '../../domain/line';
import { driftScheduleId, lineWorkflowId } from '../../domain/naming';
import { ExotelClient } from '../../exotel/client';
import type { LineDriftEntry, ScheduleShown } from '../../cli/format-drift';
import { startHarness, type Harness } from '../support/setup-harness';
import { ownAccount } from '../support/simulator';
import { temporalCli, trunkctl, trunkctlRunning } from '../support/trunkctl';

let h: Harness;
let exotel: ExotelClient;
let customerId: string;
let trunkSid: string;
let strayTrunkSid: string;
const OWN = ownAccount('drift_cli_sg');
const ACCOUNT = 'drift_cli_sg';
/** Fast scans: a read every 100 ms (60000 / (600 × 1)). */
const FAST = ['--share', '1', '--requests-per-minute', '600'];
const drift = (...args: string[]) => trunkctl(['drift', ...args], { taskQueue: h.taskQueue });
/**
 * A scan that waits for its report, without trunkctl()'s 60 s limit: on a server shared with earlier test files,
 * their lines on this account still run with no worker, and the scan's read of them waits out the query timeout.
 */
const scan = (...args: string[]) => trunkctlRunning(['drift', 'scan', ...args], { taskQueue: h.taskQueue }).ended;
const SCAN_TIMEOUT = 240_000;
let reportFile: string;
/** Every customer this file sets up (outbound). */
const lines: string[] = [];
const writes = (requests: string[]) => requests.filter((r) => !r.startsWith('GET '));
const strip = (d: Difference) => ({ kind: d.kind, part: d.part, item: d.item });

async function lineOf(id: string): Promise<LineView> {
  for (let i = 0; ; i++) {
    const found = await lookUpLine(h.client, 'outbound', id);
    if (found.state === 'managed' && found.view.line.trunk) return found.view;
    if (i > 100) throw new Error(`no line for ${id}: ${found.state}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  // An account of its own: a scan judges every trunk of the account (test/workflows/drift-scan.test.ts does too).
  h = await startHarness(OWN.simulator, OWN.account);
  exotel = new ExotelClient(h.exotelAccount);
  reportFile = join(mkdtempSync(join(tmpdir(), 'drift-report-')), 'report.json');
  customerId = h.customer('drift-cli');
  lines.push(customerId);
  await (await h.startOutbound({ customerId, did: '+6532000001', providerIps: ['203.0.113.31'], allowAclWithDigest: true })).handle.result();
  const { line } = await lineOf(customerId);
  trunkSid = line.trunk?.sid ?? '';
  // Behind the project's back: a number mapped, a credential added, the ACL entry removed, a trunk nobody manages.
  await exotel.mapPhoneNumber(trunkSid, '+6532000009', 'pstn');
  await exotel.createCredential(trunkSid, { userName: 'byhand02', password: 'Byhand_password_123', friendlyName: 'byhand' });
  await exotel.deleteWhitelistedIp(trunkSid, line.aclEntries[0]?.id ?? '');
  strayTrunkSid = (await exotel.createTrunk('strayhand')).trunk_sid;
});
afterAll(async () => {
  // A Schedule outlives the test run on a reused server: never leave one behind. Nor running lines on the account:
  // with this file's worker gone, a later file's scan would wait on each of them for an answer that never comes.
  await h?.client.schedule
    .getHandle(driftScheduleId(ACCOUNT))
    .delete()
    .catch(() => undefined);
  await Promise.all(lines.map((id) => h?.client.workflow.getHandle(lineWorkflowId('outbound', id)).terminate('test/cli/drift.test.ts is over').catch(() => undefined)));
  await h?.stop();
});
beforeEach(async () => {
  await h.mark();
});

describe('help', () => {
  it.each(['drift', 'drift scan', 'drift show', 'drift schedule'])('%s --help shows its options and an example', async (command) => {
    const words = command.split(' ');
    const run = await trunkctl([...words, '--help']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Usage: trunkctl ${words.join(' ')}`);
    expect(run.stdout).toMatch(/Examples?:\n {2}trunkctl /);
  });
});

describe('drift scan', () => {
  it('--json prints the report: each difference made by hand on its line, the unmanaged trunk, no writes; --report writes it too', { timeout: SCAN_TIMEOUT }, async () => {
    const run = await scan('--account', ACCOUNT, ...FAST, '--report', reportFile, '--json');
    // Drift found, and no --fail-on-drift: a finished scan is exit 0.
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as DriftReport;
    const mine = report.differences.filter((d) => d.customerId === customerId);
    expect(mine.map(strip)).toEqual(
      expect.arrayContaining([
        { kind: 'extra', part: 'number', item: '+6532000009' },
        { kind: 'extra', part: 'credential', item: 'byhand02' },
        { kind: 'missing', part: 'acl', item: '203.0.113.31' },
      ]),
    );
    expect(mine).toHaveLength(3);
    expect(mine.every((d) => d.direction === 'outbound' && d.trunkSid === trunkSid)).toBe(true);
    expect(report.differences).toContainEqual({ kind: 'unmanaged-trunk', part: 'trunk', trunkSid: strayTrunkSid, item: 'strayhand' });
    expect(report).toMatchObject({ exotelAccountSid: ACCOUNT, share: 1, unlisted: 0 });
    expect(report.driftedLines).toBeGreaterThanOrEqual(1);
    expect(report.byKind.extra).toBeGreaterThanOrEqual(2);
    const sent = await h.requestsSinceMark();
    expect(writes(sent)).toEqual([]);
    // One list of the trunks, then numbers, credentials and ACL of the one outbound line.
    expect(report.reads).toBe(sent.length);
    expect(JSON.parse(readFileSync(reportFile, 'utf8'))).toEqual(report);
  });

  it('--report refuses to overwrite a file (exit 2, nothing started) unless --force', async () => {
    writeFileSync(reportFile, 'keep me\n');
    const refused = await drift('scan', '--account', ACCOUNT, ...FAST, '--report', reportFile);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`--report ${reportFile}: the file exists; nothing was started (--force overwrites it)`);
    expect(readFileSync(reportFile, 'utf8')).toBe('keep me\n');
    expect(await h.requestsSinceMark()).toEqual([]);
  });

  it('prints a summary and each difference by line, in words; --fail-on-drift makes it exit 1; --force overwrites the report', { timeout: SCAN_TIMEOUT }, async () => {
    const run = await scan('--account', ACCOUNT, ...FAST, '--fail-on-drift', '--report', reportFile, '--force');
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/^drift scan started: workflow trunk-drift-scan-drift_cli_sg-\S+, at most one Exotel read every 0\.1 s/);
    expect(run.stdout).toMatch(/Lines scanned: \d+/);
    expect(run.stdout).toMatch(/Exotel reads: \d+ \([\d.]+ per line, after 1 list of the account's trunks\); nothing was written/);
    expect(run.stdout).toMatch(/Drifted lines: [1-9]/);
    expect(run.stdout).toMatch(/Differences: \d+ \(\d+ missing, \d+ changed, \d+ extra, \d+ unmanaged trunks?\)/);
    expect(run.stdout).toContain(
      [`${customerId} outbound line (trunk ${trunkSid}):`, '  extra number +6532000009', '  extra credential byhand02', '  missing ACL entry 203.0.113.31'].join('\n'),
    );
    expect(run.stdout).toContain(`Trunks no line manages:\n  unmanaged trunk strayhand (${strayTrunkSid})`);
    expect(run.stdout).not.toContain('more not listed');
    expect(run.stdout).toContain(`Report written to ${reportFile}`);
    const written = JSON.parse(readFileSync(reportFile, 'utf8')) as DriftReport;
    expect(written.differences.map(strip)).toContainEqual({ kind: 'extra', part: 'number', item: '+6532000009' });
    expect(run.stdout).toContain(`Drift scan ${written.scanId} of Exotel account ${ACCOUNT}`);
    expect(writes(await h.requestsSinceMark())).toEqual([]);
  });

  it('--no-wait prints the workflow id and exits 0; the scan goes on and ends with its report', { timeout: SCAN_TIMEOUT }, async () => {
    const run = await drift('scan', '--account', ACCOUNT, ...FAST, '--no-wait', '--json');
    expect(run.code, run.stderr).toBe(0);
    const started = JSON.parse(run.stdout) as { workflowId: string; exotelAccountSid: string };
    expect(started).toMatchObject({ workflowId: expect.stringMatching(/^trunk-drift-scan-drift_cli_sg-/) as string, exotelAccountSid: ACCOUNT });
    const report = (await h.client.workflow.getHandle(started.workflowId).result()) as DriftReport;
    expect(report.scanId).toBe(started.workflowId);
  });
});

describe('drift show', () => {
  it("shows the line's last scan result: drifted, the scan, when, each difference", async () => {
    const json = await drift('show', customerId, '--json');
    expect(json.code, json.stderr).toBe(0);
    const [entry, ...more] = JSON.parse(json.stdout) as LineDriftEntry[];
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ customerId, direction: 'outbound', line: 'managed', exotelAccountSid: ACCOUNT, drift: { state: 'drifted' } });
    expect(entry?.drift?.scanId).toMatch(/^trunk-drift-scan-drift_cli_sg-/);
    expect(entry?.drift?.differences.map(strip)).toContainEqual({ kind: 'missing', part: 'acl', item: '203.0.113.31' });

    const text = await drift('show', customerId, '--direction', 'outbound');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`${customerId} outbound line (workflow trunk-line-outbound-${customerId}, Exotel account ${ACCOUNT}): drifted`);
    expect(text.stdout).toMatch(/ {2}last scan trunk-drift-scan-drift_cli_sg-\S+ at \d{4}-/);
    expect(text.stdout).toContain('    extra number +6532000009');
  });

  it('says so for a line never scanned, and for a customer with no line (exit 1)', async () => {
    const fresh = h.customer('drift-fresh');
    lines.push(fresh);
    await (await h.startOutbound({ customerId: fresh, did: '+6532000101' })).handle.result();
    await lineOf(fresh);
    const never = await drift('show', fresh);
    expect(never.code, never.stderr).toBe(0);
    expect(never.stdout).toContain(`${fresh} outbound line (workflow trunk-line-outbound-${fresh}, Exotel account ${ACCOUNT}): never scanned`);
    const neverJson = await drift('show', fresh, '--json');
    expect(JSON.parse(neverJson.stdout)).toEqual([expect.objectContaining({ customerId: fresh, drift: null })]);

    const nobody = await drift('show', 'nobody-here', '--direction', 'inbound');
    expect(nobody.code).toBe(1);
    expect(nobody.stdout).toContain('nobody-here has no inbound line: it was never set up');
  });
});

describe('drift schedule', () => {
  const scheduleId = driftScheduleId(ACCOUNT);
  const intervals = async () => (await h.client.schedule.getHandle(scheduleId).describe()).spec.intervals?.map((i) => i.every);

  it('creates the Schedule, updates it (interval, pause), and deletes it; a second delete says there is none', { timeout: 120_000 }, async () => {
    const created = await drift('schedule', '--account', ACCOUNT, '--every', '1h', ...FAST);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain(`created Schedule ${scheduleId}: a drift scan of Exotel account ${ACCOUNT} every 1h (share 1 of 600 requests a minute)`);
    expect(created.stdout).toMatch(/running: next scan at \d{4}-/);
    expect(created.stdout).toContain(`See it: temporal schedule describe --schedule-id ${scheduleId}`);
    expect(created.stdout).toContain(`Temporal UI: Schedules → ${scheduleId}`);
    let described = await h.client.schedule.getHandle(scheduleId).describe();
    expect(described.spec.intervals?.map((i) => i.every)).toEqual([3_600_000]);
    expect(described.state.paused).toBe(false);
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'driftScan', taskQueue: h.taskQueue });
    // The command it prints works.
    const shown = await temporalCli(['schedule', 'describe', '--schedule-id', scheduleId]);
    expect(shown.code, shown.stderr).toBe(0);

    const updated = await drift('schedule', '--account', ACCOUNT, '--every', '2h', '--pause', '--json');
    expect(updated.code, updated.stderr).toBe(0);
    expect(JSON.parse(updated.stdout)).toMatchObject({ scheduleId, created: false, every: '2h', paused: true, share: 0.2, requestsPerMinute: 200 } satisfies Partial<ScheduleShown>);
    described = await h.client.schedule.getHandle(scheduleId).describe();
    expect(described.state.paused).toBe(true);
    expect(await intervals()).toEqual([7_200_000]);

    // Left out, the pause is kept; --unpause lifts it.
    const kept = await drift('schedule', '--account', ACCOUNT, '--every', '2h', '--json');
    expect(JSON.parse(kept.stdout)).toMatchObject({ created: false, paused: true });
    const unpaused = await drift('schedule', '--account', ACCOUNT, '--every', '2h', '--unpause');
    expect(unpaused.code, unpaused.stderr).toBe(0);
    expect(unpaused.stdout).toContain(`updated Schedule ${scheduleId}`);
    expect((await h.client.schedule.getHandle(scheduleId).describe()).state.paused).toBe(false);

    const deleted = await drift('schedule', '--account', ACCOUNT, '--delete');
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toContain(`deleted Schedule ${scheduleId}`);
    await expect(h.client.schedule.getHandle(scheduleId).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);

    const again = await drift('schedule', '--account', ACCOUNT, '--delete', '--json');
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ scheduleId, exotelAccountSid: ACCOUNT, deleted: false });
    expect(writes(await h.requestsSinceMark())).toEqual([]);
  });
});

describe('bad input', () => {
  type Refusal = { issues: { field: string; value: string; rule: string }[]; exitCode: number };

  it.each([
    [['scan', '--account', 'acme sg'], 'exotelAccountSid', 'acme sg', /letters, digits or _/],
    [['scan', '--account', ACCOUNT, '--share', '0'], 'share', '0', /more than 0 and at most 1/],
    [['scan', '--account', ACCOUNT, '--share', '1.5'], 'share', '1.5', /more than 0 and at most 1/],
    [['scan', '--account', ACCOUNT, '--requests-per-minute', 'lots'], 'requestsPerMinute', 'lots', /whole number/],
    [['schedule', '--account', ACCOUNT, '--every', '10s'], 'every', '10s', /at least a minute/],
    [['schedule', '--account', ACCOUNT, '--every', '1h', '--share', '1.5'], 'share', '1.5', /more than 0 and at most 1/],
  ])('drift %j is exit 2 naming the field, the value and the rule, before anything starts', async (args, field, value, rule) => {
    const json = await drift(...args, '--json');
    expect(json.code).toBe(2);
    const refusal = JSON.parse(json.stderr) as Refusal;
    expect(refusal.exitCode).toBe(2);
    expect(refusal.issues).toEqual([{ field, value, rule: expect.stringMatching(rule) as string }]);
    const text = await drift(...args);
    expect(text.code).toBe(2);
    expect(text.stderr).toContain(`${field} = "${value}"`);
    expect(await h.requestsSinceMark()).toEqual([]);
    await expect(h.client.schedule.getHandle(driftScheduleId(ACCOUNT)).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
  });

  it('a scan of an account no worker serves is said, exit 1, instead of waiting for ever', async () => {
    const run = await drift('scan', '--account', 'acme_nobody');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no worker serves Exotel account acme_nobody (nothing polls task queue exotel-acme_nobody)');
    const started = [];
    for await (const wf of h.client.workflow.list({ query: "WorkflowType = 'driftScan' AND WorkflowId STARTS_WITH 'trunk-drift-scan-acme_nobody-'" })) started.push(wf);
    expect(started).toEqual([]);
  });

  it('refuses flags that do not go together, and a missing --account or --every, exit 2', async () => {
    for (const [args, said] of [
      [['scan'], '--account is required'],
      [['scan', '--account', ACCOUNT, '--no-wait', '--fail-on-drift'], '--fail-on-drift needs the report'],
      [['scan', '--account', ACCOUNT, '--force'], '--force goes with --report'],
      [['schedule', '--account', ACCOUNT], '--every is required'],
      [['schedule', '--account', ACCOUNT, '--every', '1h', '--pause', '--unpause'], '--pause and --unpause'],
      [['schedule', '--account', ACCOUNT, '--delete', '--every', '1h'], '--delete takes only --account (not --every)'],
      [['show', 'acme-1', '--direction', 'sideways'], '--direction sideways: must be outbound or inbound'],
    ] as const) {
      const run = await drift(...args);
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(2);
      expect(run.stderr).toContain(said);
    }
    expect(await h.requestsSinceMark()).toEqual([]);
  });
});

describe('trunkctl drift scan --repair', () => {
  it('has each drifted line put back what is missing; a kind it does not know is refused (exit 2)', { timeout: SCAN_TIMEOUT }, async () => {
    const bad = await drift('scan', '--account', ACCOUNT, '--repair', 'missing,lost');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('repair');
    expect(bad.stderr).toContain('missing,lost');

    const run = await scan('--account', ACCOUNT, ...FAST, '--repair', 'missing', '--json');
    expect(run.code, run.stderr).toBe(0);
    for (let i = 0; ; i++) {
      if ((await exotel.listWhitelistedIps(trunkSid)).some((e) => e.ip === '203.0.113.31')) break;
      if (i > 300) throw new Error('the missing ACL entry was not put back');
      await new Promise((r) => setTimeout(r, 100));
    }
    // An extra it was not told to remove stays.
    expect((await exotel.listCredentials(trunkSid)).map((c) => c.user_name)).toContain('byhand02');
  });
});
