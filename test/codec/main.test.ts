import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCodecServerArgs } from '../../codec/main';
import { trunkctl } from '../support/trunkctl';
import { call, freshKeys } from './support';

const ROOT = resolve(__dirname, '../..');
// A process that starts serving where it should refuse to would otherwise run, and hang the test, forever.
const KILL_AFTER_MS = 30_000;
const TOKEN = randomBytes(32).toString('base64url');
const KEYS = freshKeys('cli-1');
const ENV = { TRUNK_CODEC_SERVER_TOKEN: TOKEN, TRUNK_CODEC_KEYS: JSON.stringify(KEYS) };
const cliArgs = (args: string[]): string[] => ['--import', 'tsx', 'codec/main.ts', ...args];

describe('parseCodecServerArgs', () => {
  it('defaults to 127.0.0.1:8888 and the dev server UI origin', () => {
    const options = parseCodecServerArgs([], ENV);
    expect(options).toMatchObject({ host: '127.0.0.1', port: 8888, allowedOrigin: 'http://localhost:8233', authToken: TOKEN });
    expect(options !== 'help' && options.keyring.currentKeyId).toBe('cli-1');
  });

  it('reads --port, --host and --ui-origin', () => {
    expect(parseCodecServerArgs(['--port', '0', '--host=0.0.0.0', '--ui-origin', 'https://temporal.example.com'], ENV)).toMatchObject({
      host: '0.0.0.0',
      port: 0,
      allowedOrigin: 'https://temporal.example.com',
    });
    expect(parseCodecServerArgs(['--help'], {})).toBe('help');
  });

  it.each([
    [['--port', 'abc'], '--port "abc" is invalid: must be an integer 0–65535'],
    [['--port', '70000'], '--port "70000" is invalid'],
    [['--ui-origin', 'http://localhost:8233/'], '--ui-origin "http://localhost:8233/" is invalid: must be an http(s) origin'],
    [['--ui-origin', '*'], '--ui-origin "*" is invalid'],
    [['--host', ''], '--host "" is invalid'],
    [['--verbose'], "Unknown option '--verbose'"],
    [['--port'], "Option '--port <value>' argument missing"],
  ])('refuses %j naming the flag, value and rule', (argv, message) => {
    expect(() => parseCodecServerArgs(argv, ENV)).toThrow(message);
  });

  it('reads the token from TRUNK_CODEC_SERVER_TOKEN_FILE (a mounted secret), and refuses both variables at once', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'codec-token-')), 'token');
    writeFileSync(file, `${TOKEN}\n`);
    const { TRUNK_CODEC_SERVER_TOKEN: _, ...keysOnly } = ENV;
    expect(parseCodecServerArgs([], { ...keysOnly, TRUNK_CODEC_SERVER_TOKEN_FILE: file })).toMatchObject({ authToken: TOKEN });
    expect(() => parseCodecServerArgs([], { ...ENV, TRUNK_CODEC_SERVER_TOKEN_FILE: file })).toThrow(
      'TRUNK_CODEC_SERVER_TOKEN = "***": set TRUNK_CODEC_SERVER_TOKEN or TRUNK_CODEC_SERVER_TOKEN_FILE, not both',
    );
  });

  it('refuses to start without a token, with a weak one, or without keys, never echoing them', () => {
    expect(() => parseCodecServerArgs([], { TRUNK_CODEC_KEYS: ENV.TRUNK_CODEC_KEYS })).toThrow('TRUNK_CODEC_SERVER_TOKEN = "***": is not set; it is required');
    expect(() => parseCodecServerArgs([], { ...ENV, TRUNK_CODEC_SERVER_TOKEN: 'hunter2-hunter2' })).toThrow(
      /TRUNK_CODEC_SERVER_TOKEN = "\*\*\*": must be 32-512 characters/,
    );
    expect(() => parseCodecServerArgs([], { TRUNK_CODEC_SERVER_TOKEN: TOKEN })).toThrow('TRUNK_CODEC_KEYS = "(missing)": is required');
  });
});

describe('codec-server (a real process)', () => {
  it('exits 2 naming the variable when the token is missing', () => {
    const result = spawnSync(process.execPath, cliArgs([]), { cwd: ROOT, encoding: 'utf8', env: { PATH: process.env.PATH, TRUNK_CODEC_KEYS: ENV.TRUNK_CODEC_KEYS } });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('TRUNK_CODEC_SERVER_TOKEN = "***": is not set; it is required');
    expect(result.stderr).not.toContain(KEYS['cli-1']);
  });

  it('prints its URL and how to point the UI and CLI at it, never the token or keys; serves; stops on SIGTERM', async () => {
    const child = spawn(process.execPath, cliArgs(['--port', '0']), { cwd: ROOT, env: { PATH: process.env.PATH, ...ENV } });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    await new Promise<void>((done, fail) => {
      child.stdout.on('data', (chunk: string) => {
        stdout += chunk;
        if (stdout.includes('Stop with Ctrl-C.')) done();
      });
      child.once('exit', (code) => fail(new Error(`exited early with ${code}: ${stdout}`)));
    });
    const url = /url:\s+(http:\/\/\S+)/.exec(stdout)?.[1] ?? '';
    expect(stdout).toContain(`codec endpoint ${url}/<TRUNK_CODEC_SERVER_TOKEN>`);
    expect(stdout).toContain(`--codec-endpoint ${url} --codec-auth "Bearer $TRUNK_CODEC_SERVER_TOKEN"`);
    expect(stdout).toContain('with key cli-1');
    for (const secret of [TOKEN, KEYS['cli-1'] as string]) expect(stdout).not.toContain(secret);
    expect((await call(`${url}/decode`, 'POST', { Authorization: `Bearer ${TOKEN}` }, '{}')).text).toBe('{"payloads":[]}');

    const exited = new Promise<number | null>((done) => child.once('close', done));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toContain('codec server stopped');
  });
});

describe('codec/main.ts and trunkctl codec-server: help, typos and exit codes (real processes)', () => {
  it('--help shows the flags, the environment and examples, and exits 0', async () => {
    const direct = spawnSync(process.execPath, cliArgs(['--help']), { cwd: ROOT, encoding: 'utf8', timeout: KILL_AFTER_MS, env: { PATH: process.env.PATH } });
    const viaTrunkctl = await trunkctl(['codec-server', '--help']);
    for (const [code, stdout] of [[direct.status, direct.stdout], [viaTrunkctl.code, viaTrunkctl.stdout]] as const) {
      expect(code).toBe(0);
      expect(stdout).toContain('Usage: trunkctl codec-server [options]');
      for (const flag of ['--port <port>', '--host <host>', '--ui-origin <origin>', 'TRUNK_CODEC_SERVER_TOKEN', 'Examples:']) expect(stdout).toContain(flag);
    }
  });

  it('names the nearest option for a typo, and exits 2', () => {
    const result = spawnSync(process.execPath, cliArgs(['--ui-orgin', 'http://localhost:8233']), { cwd: ROOT, encoding: 'utf8', timeout: KILL_AFTER_MS, env: { PATH: process.env.PATH, ...ENV } });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("Unknown option '--ui-orgin' (Did you mean --ui-origin?)");
  });

  it('trunkctl codec-server without TRUNK_CODEC_SERVER_TOKEN exits 2 naming the variable', async () => {
    const result = await trunkctl(['codec-server', '--port', '0'], { env: { TRUNK_CODEC_SERVER_TOKEN: '', TRUNK_CODEC_KEYS: ENV.TRUNK_CODEC_KEYS } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('TRUNK_CODEC_SERVER_TOKEN = "***": is not set; it is required');
    expect(result.stderr).not.toContain(KEYS['cli-1']);
  });
});
