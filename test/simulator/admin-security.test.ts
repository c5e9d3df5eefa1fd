// /_admin against a web page in the developer's browser: a cross-site request (Origin) and a rebound name (Host) are
// refused, the project's admin client and curl are not; and binding beyond loopback needs an admin token.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SimulatorOptionError, startSimulator } from '../../simulator';
import { ACME, httpCall, startTestSimulator, type TestSimulator } from './support';

const ROOT = resolve(__dirname, '../..');
// A process that starts serving where it should refuse to would otherwise run, and hang the test, forever.
const KILL_AFTER_MS = 30_000;
const curlInstalled = spawnSync('curl', ['--version']).status === 0;
const errorOf = (reply: { body: unknown }): string => (reply.body as { error: string }).error;

async function curl(args: string[]): Promise<{ status: number; body: string }> {
  const { stdout } = await promisify(execFile)('curl', ['-sS', '-w', '\n%{http_code}', ...args]);
  const at = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(at + 1)), body: stdout.slice(0, at) };
}

describe('/_admin refuses browsers of other sites', () => {
  let t: TestSimulator;
  let hostPort: string;
  beforeAll(async () => {
    t = await startTestSimulator({ rateLimit: false });
    hostPort = new URL(t.sim.url).host;
  });
  afterAll(() => t.sim.close());
  beforeEach(() => t.admin.reset());

  it('refuses a cross-origin POST with 403 naming the header, its value and the rule, and does not apply it', async () => {
    await t.acme.createTrunk('kept');
    const reset = await httpCall(`${t.sim.url}/_admin/reset`, 'POST', { Origin: 'https://evil.example', 'Content-Type': 'text/plain' });
    expect(reset.status).toBe(403);
    expect(errorOf(reset)).toBe(
      `header Origin "https://evil.example" is refused: /_admin takes requests from no web page but its own origin, http://${hostPort} (against cross-site requests)`,
    );
    const fault = await httpCall(`${t.sim.url}/_admin/faults`, 'POST', { Origin: 'null' }, JSON.stringify({ kind: 'drop', path: '/trunks$' }));
    expect(fault.status).toBe(403);
    expect(errorOf(fault)).toContain('header Origin "null" is refused');
    expect((await t.admin.state()).accounts.acme?.trunks.map((trunk) => trunk.trunk_name)).toEqual(['kept']);
    expect(await t.admin.faults()).toEqual([]);
  });

  it('takes a request from its own origin', async () => {
    const reply = await httpCall(`${t.sim.url}/_admin/reset`, 'POST', { Origin: `http://${hostPort}` });
    expect(reply.status).toBe(200);
  });

  it('refuses a Host that is not its address or a loopback name with the port (DNS rebinding)', async () => {
    const port = new URL(t.sim.url).port;
    for (const host of [`evil.example:${port}`, '127.0.0.1', `localhost:${Number(port) + 1}`]) {
      const reply = await httpCall(`${t.sim.url}/_admin/state`, 'GET', { Host: host });
      expect(reply.status, host).toBe(403);
      expect(errorOf(reply)).toBe(
        `header Host ${JSON.stringify(host)} is refused: /_admin answers only to 127.0.0.1:${port}, localhost:${port}, [::1]:${port} (against DNS rebinding)`,
      );
    }
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
      expect((await httpCall(`${t.sim.url}/_admin/state`, 'GET', { Host: host })).status, host).toBe(200);
    }
    // The Exotel API keeps answering to its region hosts.
    expect((await t.acme.get('/trunks', { headers: { Host: 'api.in.exotel.com' } })).status).toBe(200);
  });

  it('works for the admin client', async () => {
    await t.admin.addFault({ kind: 'status', status: 503, path: '/trunks$' });
    expect((await t.acme.get('/trunks')).status).toBe(503);
    await t.admin.reset();
    expect(await t.admin.faults()).toEqual([]);
  });

  it.skipIf(!curlInstalled)('works for curl, and refuses curl sending a foreign Origin or Host', async () => {
    const added = await curl(['-X', 'POST', '-H', 'Content-Type: application/json', '-d', '{"kind":"drop","path":"/trunks$"}', `${t.sim.url}/_admin/faults`]);
    expect(added.status).toBe(201);
    expect((await curl([`${t.sim.url}/_admin/faults`])).body).toContain('"path":"/trunks$"');
    const crossSite = await curl(['-X', 'POST', '-H', 'Origin: https://evil.example', `${t.sim.url}/_admin/reset`]);
    expect(crossSite.status).toBe(403);
    expect(crossSite.body).toContain('header Origin \\"https://evil.example\\" is refused');
    const rebound = await curl(['-X', 'POST', '-H', `Host: rebound.example:${new URL(t.sim.url).port}`, `${t.sim.url}/_admin/reset`]);
    expect(rebound.status).toBe(403);
    expect(rebound.body).toContain('header Host \\"rebound.example');
    expect((await curl(['-X', 'POST', `${t.sim.url}/_admin/reset`])).status).toBe(200);
    expect((await curl([`${t.sim.url}/_admin/faults`])).body).toBe('[]');
  });
});

describe('binding beyond loopback', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sim-admin-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('startSimulator refuses 0.0.0.0 without an admin token', async () => {
    const started = startSimulator({ accounts: [ACME], host: '0.0.0.0', port: 0 });
    await expect(started).rejects.toThrow(SimulatorOptionError);
    await expect(started).rejects.toThrow('host "0.0.0.0" is invalid: beyond loopback (127.0.0.1, ::1, localhost) an adminToken is required');
  });

  it('the CLI exits 2 saying why and how', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'simulator/main.ts', '--host', '0.0.0.0', '--port', '0'], { cwd: ROOT, encoding: 'utf8', timeout: KILL_AFTER_MS });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--host "0.0.0.0" is invalid: beyond loopback (127.0.0.1, ::1, localhost) /_admin needs a token');
    expect(result.stderr).toContain('give --admin-token-file <path> (or SIMULATOR_ADMIN_TOKEN_FILE, or --admin-token <token>)');
  });

  type TokenSource = [string, (file: string) => string[], (file: string) => Record<string, string>];
  it.each<TokenSource>([
    ['--admin-token-file', (file) => [`--admin-token-file=${file}`], () => ({})],
    ['SIMULATOR_ADMIN_TOKEN_FILE', () => [], (file) => ({ SIMULATOR_ADMIN_TOKEN_FILE: file })],
  ])('the CLI binds 0.0.0.0 with the token from %s, which /_admin then requires', async (_, flags, env) => {
    const file = join(dir, `token-${Math.random().toString(36).slice(2)}`);
    writeFileSync(file, 'file_admin_token_value\n', { mode: 0o600 });
    const child = spawn(process.execPath, ['--import', 'tsx', 'simulator/main.ts', '--host', '0.0.0.0', '--port', '0', '--fault', '{"kind":"drop","path":"/phone-numbers$"}', ...flags(file)], {
      cwd: ROOT,
      env: { ...process.env, ...env(file) },
    });
    try {
      let stdout = '';
      child.stdout.setEncoding('utf8');
      await new Promise<void>((done, fail) => {
        child.stdout.on('data', (chunk: string) => {
          stdout += chunk;
          if (stdout.includes('Stop with Ctrl-C.')) done();
        });
        child.once('exit', (code) => fail(new Error(`exited early with ${code}: ${stdout}`)));
      });
      // Installed through its own admin API, addressed as http://0.0.0.0:<port>, with the token.
      expect(stdout).toContain('faults:       1 installed');
      expect(stdout).toContain('(Bearer token required)');
      expect(stdout).not.toContain('file_admin_token_value');
      const port = /url:\s+http:\/\/0\.0\.0\.0:(\d+)/.exec(stdout)?.[1] ?? '';
      const url = `http://127.0.0.1:${port}`;
      expect((await httpCall(`${url}/_admin/health`, 'GET', {})).status).toBe(401);
      expect((await httpCall(`${url}/_admin/health`, 'GET', { Authorization: 'Bearer file_admin_token_value' })).status).toBe(200);
      // The Exotel API needs no admin token.
      const basic = `Basic ${Buffer.from('demo_key:demo_token_not_secret').toString('base64')}`;
      expect((await httpCall(`${url}/v2/accounts/demo_account/trunks`, 'GET', { Authorization: basic })).status).toBe(200);
    } finally {
      if (child.exitCode === null) {
        const exited = new Promise((done) => child.once('close', done));
        child.kill('SIGTERM');
        await exited;
      }
    }
  });
});
