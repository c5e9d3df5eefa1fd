import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT } from '../../simulator';
import { parseSimulatorArgs } from '../../simulator/main';
import { httpCall } from './support';

const ROOT = resolve(__dirname, '../..');
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
