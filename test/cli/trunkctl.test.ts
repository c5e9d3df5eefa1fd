// trunkctl as people and scripts use it: each command's help, typos answered with the nearest flag, empty values
// refused, errors as JSON under --json, exit codes (0 done, 1 failed, 2 bad usage, 3 waiting for a person), and
// messages that say what to do when Temporal is not there.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freePorts } from '../../scripts/dev-server';
import { startHarness, type Harness } from '../support/setup-harness';
import { trunkctl, trunkctlRunning } from '../support/trunkctl';

describe('usage', () => {
  it.each(['outbound', 'inbound', 'migrate', 'providers', 'handoff', 'list', 'show', 'retry', 'rollback'])('%s --help shows its own options and an example', async (command) => {
    const run = await trunkctl([command, '--help']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Usage: trunkctl ${command}`);
    expect(run.stdout).toMatch(/Examples?:\n {2}trunkctl /);
  });

  it('answers a mistyped option with the nearest one, exit 2', async () => {
    const run = await trunkctl(['outbound', '--custmer', 'acme-1', '--account', 'acme_in', '--did', '+919800000001']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown option '--custmer'");
    expect(run.stderr).toContain('Did you mean --customer?');
  });

  it.each([
    [['outbound', '--customer', 'acme-1', '--account', 'acme_in', '--did', '+919800000001', '--provider', ''], '--provider ""'],
    [['inbound', '--customer', 'acme-1', '--account', 'acme_in', '--did', '+919800000001', '--destination', ''], '--destination ""'],
    [['list', '--account', ''], '--account ""'],
  ])('refuses an empty value instead of taking it for "not given": %j', async (args, named) => {
    const run = await trunkctl(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${named}: an empty value is not allowed`);
  });

  it('says which flag is missing', async () => {
    const run = await trunkctl(['outbound', '--account', 'acme_in', '--did', '+919800000001']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--customer is required');
  });

  it('under --json, writes errors to stderr as JSON with each field, value and rule', async () => {
    const run = await trunkctl(['outbound', '--json', '--customer', 'bad id!', '--account', 'acme_in', '--did', '98000']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const error = JSON.parse(run.stderr) as { error: string; issues: { field: string; value: string; rule: string }[]; exitCode: number };
    expect(error.exitCode).toBe(2);
    expect(error.issues.map((i) => [i.field, i.value])).toEqual([
      ['customerId', 'bad id!'],
      ['did', '98000'],
    ]);
    expect(error.issues[1]?.rule).toMatch(/E\.164/);
    const typo = await trunkctl(['list', '--json', '--stat', 'failed']);
    expect(typo.code).toBe(2);
    expect(JSON.parse(typo.stderr)).toMatchObject({ error: expect.stringContaining("unknown option '--stat'") as string, exitCode: 2 });
  });
});

describe('Temporal not there', () => {
  it('names the address, where it came from, and how to start a dev server', async () => {
    const [port] = await freePorts(1);
    const run = await trunkctl(['list'], { env: { TEMPORAL_ADDRESS: `127.0.0.1:${port}` } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`cannot reach Temporal at 127.0.0.1:${port} (from TEMPORAL_ADDRESS)`);
    expect(run.stderr).toContain('npx tsx scripts/dev-server.ts');
    const flagged = await trunkctl(['list', '--address', `127.0.0.1:${port}`]);
    expect(flagged.stderr).toContain('(from --address)');
  });

  it('says the same from the worker, exit 1, instead of a raw transport error', async () => {
    const [port] = await freePorts(1);
    const accounts = JSON.stringify([{ accountSid: 'acme_in', apiKey: 'k', apiToken: 't', subdomain: 'api.in.exotel.com' }]);
    const run = await trunkctl(['worker'], { env: { TEMPORAL_ADDRESS: `127.0.0.1:${port}`, EXOTEL_ACCOUNTS: accounts, WORKER_MODE: 'demo' } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`cannot reach Temporal at 127.0.0.1:${port} (from TEMPORAL_ADDRESS)`);
    expect(run.stderr).not.toContain('tonic');
  });
});

describe('--wait', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());
  beforeEach(async () => {
    await h.admin.clearFaults();
    await h.mark();
  });

  const outbound = (customerId: string, did: string, ...more: string[]) =>
    trunkctl(['outbound', '--customer', customerId, '--account', h.exotelAccount.accountSid, '--did', did, '--ops-timeout', '10m', '--wait', ...more], {
      taskQueue: h.taskQueue,
    });

  it('stops when the setup waits for a person: prints the step, the Exotel error and the commands, exit 3', async () => {
    await h.admin.addFault({ method: 'POST', path: '/credentials$', kind: 'status', status: 400 });
    const customerId = h.customer('wait-ops');
    const run = await outbound(customerId, '+919844400001');
    expect(run.code, run.stderr).toBe(3);
    expect(run.stdout).toContain('setup waits for an operator: step create-credential failed: Exotel 400');
    expect(run.stdout).toContain(`trunkctl retry ${customerId} --direction outbound`);
    expect(run.stdout).toContain(`trunkctl rollback ${customerId} --direction outbound`);

    const json = await outbound(customerId, '+919844400001', '--json');
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toMatchObject({ awaitingOps: { step: 'create-credential' }, commands: [`trunkctl retry ${customerId} --direction outbound`, `trunkctl rollback ${customerId} --direction outbound`] });

    const rolledBack = await trunkctl(['rollback', customerId, '--direction', 'outbound'], { taskQueue: h.taskQueue });
    expect(rolledBack.code, rolledBack.stderr).toBe(0);
  });

  it('with --wait-for-decision keeps waiting through the decision and ends with the setup (rolled back: exit 1)', async () => {
    await h.admin.addFault({ method: 'POST', path: '/credentials$', kind: 'status', status: 400 });
    const customerId = h.customer('wait-decision');
    const waiting = trunkctlRunning(
      ['outbound', '--customer', customerId, '--account', h.exotelAccount.accountSid, '--did', '+919844400002', '--ops-timeout', '10m', '--wait', '--wait-for-decision'],
      { taskQueue: h.taskQueue },
    );
    // Decided only once it has seen the setup wait, so it is seen to wait on rather than stop.
    await waiting.until("waiting for an operator's decision on step create-credential");
    const decided = await trunkctl(['rollback', customerId, '--direction', 'outbound'], { taskQueue: h.taskQueue });
    expect(decided.code, decided.stderr).toBe(0);
    const run = await waiting.ended;
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain('setup failed: outbound setup for');
  });
});
