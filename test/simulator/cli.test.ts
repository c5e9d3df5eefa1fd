import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT, startSimulator } from '../../simulator';
import { parseSimulatorArgs } from '../../simulator/main';
import { trunkctl } from '../support/trunkctl';
import { httpCall } from './support';

const ROOT = resolve(__dirname, '../..');
// A process that starts serving where it should refuse to would otherwise run, and hang the test, forever.
const KILL_AFTER_MS = 30_000;
const cliArgs = (args: string[]): string[] => ['--import', 'tsx', 'simulator/main.ts', ...args];

describe('parseSimulatorArgs', () => {
  it('defaults to the demo account on port 4010', () => {
    expect(parseSimulatorArgs([])).toEqual({ help: false, options: { accounts: [DEMO_ACCOUNT], port: 4010 }, faults: [] });
  });

  it('reads every flag, in both --flag value and --flag=value forms', () => {
    const { options, faults } = parseSimulatorArgs([
      '--host=0.0.0.0',
      '--port', '0',
      '--account', 'acme:key1:tok:en:in',
      '--account=globex:key2:tok2:sg',
      '--rate-limit', '200/6s',
      '--state-file', '/tmp/x.json',
      '--delete-style', 'path',
      '--admin-token', 'adm',
      '--fault', '{"kind":"drop","path":"/trunks$"}',
      '--seed', '42',
    ]);
    expect(options).toEqual({
      host: '0.0.0.0',
      port: 0,
      accounts: [
        { sid: 'acme', apiKey: 'key1', apiToken: 'tok:en', region: 'in' },
        { sid: 'globex', apiKey: 'key2', apiToken: 'tok2', region: 'sg' },
      ],
      rateLimit: { limit: 200, windowMs: 6000 },
      stateFile: '/tmp/x.json',
      deleteStyle: 'path',
      adminToken: 'adm',
      seed: 42,
    });
    expect(faults).toEqual([{ kind: 'drop', path: '/trunks$' }]);
  });

  it.each([
    ['200/60s', { limit: 200, windowMs: 60_000 }],
    ['200/500ms', { limit: 200, windowMs: 500 }],
    ['100/1m', { limit: 100, windowMs: 60_000 }],
    ['off', false],
  ])('reads --rate-limit %s', (value, expected) => {
    expect(parseSimulatorArgs(['--rate-limit', value]).options.rateLimit).toEqual(expected);
  });

  it.each([
    [['--port', 'abc'], '--port "abc" is invalid: must be an integer 0–65535'],
    [['--port', '70000'], '--port "70000" is invalid'],
    [['--account', 'acme:key:tok'], '--account "acme:key:tok" is invalid: use sid:key:token:region'],
    [['--account', 'acme:key:tok:eu'], '--account "acme:key:tok:eu" is invalid'],
    [['--rate-limit', 'fast'], '--rate-limit "fast" is invalid: use <requests>/<window>'],
    [['--delete-style', 'body'], '--delete-style "body" is invalid: must be "query" or "path"'],
    [['--fault', '{"kind":"boom","path":"x"}'], 'fault.kind must be one of status, latency, commit-then-fail, drop'],
    [['--fault', 'not json'], '--fault "not json" is invalid'],
    [['--seed', '1.5'], '--seed "1.5" is invalid: must be an integer'],
    [['--port'], '--port needs a value'],
    [['--verbose'], 'unknown option "--verbose"'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseSimulatorArgs(argv)).toThrow(message);
  });
});

describe('trunkctl simulator (a real process)', () => {
  it('exits 2 with the flag, value and rule on a bad flag', () => {
    const result = spawnSync(process.execPath, cliArgs(['--rate-limit', '5 per second']), { cwd: ROOT, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--rate-limit "5 per second" is invalid');
  });

  it('prints its address without the token, serves requests, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, cliArgs(['--port', '0', '--account', 'acme:acme_key:cli_token_value:in', '--fault', '{"kind":"status","status":503,"path":"/trunks$"}']), {
      cwd: ROOT,
    });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    await new Promise<void>((done, fail) => {
      child.stdout.on('data', (chunk: string) => {
        stdout += chunk;
        if (stdout.includes('Stop with Ctrl-C.')) done();
      });
      child.once('exit', (code) => fail(new Error(`exited early with ${code}: ${stdout}`)));
    });
    expect(stdout).toContain('acme   key: acme_key   token: set   region: in');
    expect(stdout).toContain('1 installed');
    expect(stdout).not.toContain('cli_token_value');
    const url = /url:\s+(http:\/\/[^/\s]+)/.exec(stdout)?.[1] ?? '';
    const headers = { Authorization: `Basic ${Buffer.from('acme_key:cli_token_value').toString('base64')}` };
    expect((await httpCall(`${url}/v2/accounts/acme/trunks`, 'GET', headers)).status).toBe(503);
    expect((await httpCall(`${url}/v2/accounts/acme/trunks`, 'GET', headers)).status).toBe(200);

    const exited = new Promise<number | null>((done) => child.once('close', done));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toContain('simulator stopped');
  });
});

describe('parseSimulatorArgs: the admin token', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const tokenFile = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('reads --admin-token-file, or SIMULATOR_ADMIN_TOKEN_FILE, without the surrounding whitespace', () => {
    const file = tokenFile('token', '  s3cret_admin\n');
    expect(parseSimulatorArgs(['--admin-token-file', file], {}).options.adminToken).toBe('s3cret_admin');
    expect(parseSimulatorArgs([], { SIMULATOR_ADMIN_TOKEN_FILE: file }).options.adminToken).toBe('s3cret_admin');
    // A flag outweighs the environment.
    expect(parseSimulatorArgs(['--admin-token', 'flag'], { SIMULATOR_ADMIN_TOKEN_FILE: file }).options.adminToken).toBe('flag');
    expect(parseSimulatorArgs(['--host', '0.0.0.0'], { SIMULATOR_ADMIN_TOKEN_FILE: file }).options).toMatchObject({ host: '0.0.0.0', adminToken: 's3cret_admin' });
  });

  it.each([
    [['--host', '0.0.0.0'], {}, '--host "0.0.0.0" is invalid: beyond loopback (127.0.0.1, ::1, localhost) /_admin needs a token'],
    [['--host', '192.168.1.20'], {}, 'give --admin-token-file <path> (or SIMULATOR_ADMIN_TOKEN_FILE, or --admin-token <token>)'],
    [['--admin-token-file', '/nonexistent/token'], {}, '--admin-token-file "/nonexistent/token" is invalid: cannot be read (ENOENT)'],
    [[], { SIMULATOR_ADMIN_TOKEN_FILE: '/nonexistent/token' }, 'SIMULATOR_ADMIN_TOKEN_FILE "/nonexistent/token" is invalid: cannot be read (ENOENT)'],
    [['--admin-token', 'a', '--admin-token-file', '/x'], {}, '--admin-token and --admin-token-file are both given: give one'],
  ])('refuses %j %j', (argv, env, message) => {
    expect(() => parseSimulatorArgs(argv, env)).toThrow(message);
  });

  it('refuses an empty token file', () => {
    const file = tokenFile('empty', '\n');
    expect(() => parseSimulatorArgs(['--admin-token-file', file], {})).toThrow(`--admin-token-file ${JSON.stringify(file)} is invalid: the file is empty`);
  });

  it.each([['127.0.0.1'], ['::1'], ['localhost']])('binds %s without a token', (host) => {
    expect(parseSimulatorArgs(['--host', host], {}).options.host).toBe(host);
  });
});

describe('simulator/main.ts and trunkctl simulator: help, typos and exit codes (real processes)', () => {
  const FLAGS = ['--host', '--port', '--account', '--rate-limit', '--state-file', '--delete-style', '--number-scope', '--admin-token', '--admin-token-file', '--fault', '--seed'];
  const expectHelp = (stdout: string): void => {
    expect(stdout).toContain('Usage: trunkctl simulator [options]');
    for (const flag of FLAGS) expect(stdout).toContain(`${flag} <`);
    expect(stdout).toContain('Examples:');
    expect(stdout).toContain('trunkctl simulator --host 0.0.0.0 --admin-token-file');
  };

  it('--help shows every flag and examples, and exits 0', async () => {
    const direct = spawnSync(process.execPath, cliArgs(['--help']), { cwd: ROOT, encoding: 'utf8', timeout: KILL_AFTER_MS });
    expect(direct.status).toBe(0);
    expectHelp(direct.stdout);
    const viaTrunkctl = await trunkctl(['simulator', '--help']);
    expect(viaTrunkctl.code).toBe(0);
    expectHelp(viaTrunkctl.stdout);
  });

  it('names the nearest option for a typo, and exits 2', () => {
    const result = spawnSync(process.execPath, cliArgs(['--prot', '4010']), { cwd: ROOT, encoding: 'utf8', timeout: KILL_AFTER_MS });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown option "--prot" (Did you mean --port?)');
  });

  it('trunkctl simulator --port bogus exits 2 with the flag, value and rule', async () => {
    const result = await trunkctl(['simulator', '--port', 'bogus']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--port "bogus" is invalid: must be an integer 0–65535');
  });

  it('exits 1 when it cannot listen', async () => {
    const taken = await startSimulator({ accounts: [DEMO_ACCOUNT] });
    try {
      const result = spawnSync(process.execPath, cliArgs(['--port', String(taken.port)]), { cwd: ROOT, encoding: 'utf8', timeout: KILL_AFTER_MS });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('EADDRINUSE');
    } finally {
      await taken.close();
    }
  });
});
