// docker-compose.yml, the Dockerfile and deploy/ checked statically (no Docker engine here): the Compose schema,
// variables, ports, dependencies, pinned images, what the image holds. Each checker is also shown to catch a break.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { TypedSearchAttributes } from '@temporalio/common';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { program } from '../../cli/trunkctl';
import { parseCodecServerArgs } from '../../codec/main';
import { loadKeyring } from '../../codec/keyring';
import { allSearchAttributeKeys } from '../../domain/search-attributes';
import { receiverSettings } from '../../events/main';
import { ExotelAccounts } from '../../exotel/accounts';
import { loadOpsConfig } from '../../platform/ops-config';
import { loadTemporalConnectConfig } from '../../platform/temporal-connection';
import { resolveTemporalCli } from '../../scripts/dev-server';
import { loadWorkerConfig } from '../../worker/config';
import {
  commandOf,
  dependencyProblems,
  dockerfileProblems,
  dockerignoreProblems,
  envFiles,
  healthcheckProblems,
  hostPortClashes,
  interpolate,
  missingProcessVariables,
  parseCompose,
  parseDockerfile,
  parseEnvFile,
  parseTemporalVersion,
  inlineSecretProblems,
  leakedSecrets,
  schemaProblems,
  secretMountProblems,
  secretMounts,
  serviceEnvironment,
  stageEnv,
  temporalImageProblems,
  unpinnedImages,
  unsetInterpolations,
  type Compose,
  type ProcessVariables,
  type Service,
} from './compose-checks';

const ROOT = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

const TEMPORAL_CONNECTION = [['TEMPORAL_ADDRESS'], ['TEMPORAL_NAMESPACE'], ['TEMPORAL_TASK_QUEUE']];
const CODEC_KEYS = ['TRUNK_CODEC_KEYS', 'TRUNK_CODEC_KEYS_FILE'];

/** What each process reads (README, docs/operations.md, docs/encryption.md, platform/); keep it in step with them. */
const PROCESS_VARIABLES: ProcessVariables = {
  'trunkctl worker': [
    ...TEMPORAL_CONNECTION,
    ['EXOTEL_ACCOUNTS_FILE', 'EXOTEL_ACCOUNTS'],
    ['WORKER_SHUTDOWN_GRACE_SECONDS'],
    ['WORKFLOW_BUNDLE_PATH'],
    ['WORKER_MODE'],
    CODEC_KEYS,
    ['TRUNK_CODEC_KEY_ID'],
    ['OPS_PORT'],
    ['OPS_HOST'],
    ['LOG_LEVEL'],
  ],
  'trunkctl events': [
    ...TEMPORAL_CONNECTION,
    ['SIGNUP_EVENTS_SECRET', 'SIGNUP_EVENTS_SECRET_FILE'],
    ['SIGNUP_EVENTS_PORT'],
    ['OPS_DECISION_TIMEOUT'],
    CODEC_KEYS,
    ['OPS_PORT'],
    ['OPS_HOST'],
    ['LOG_LEVEL'],
  ],
  'trunkctl codec-server': [['TRUNK_CODEC_SERVER_TOKEN', 'TRUNK_CODEC_SERVER_TOKEN_FILE'], CODEC_KEYS],
  'trunkctl simulator': [],
  // The CLI's client commands (outbound, list, show, retry …): they read results with the same keys.
  'trunkctl help': [...TEMPORAL_CONNECTION, CODEC_KEYS],
  postgres: [['POSTGRES_USER'], ['POSTGRES_PASSWORD', 'POSTGRES_PASSWORD_FILE']],
  'temporalio/admin-tools setup-postgres.sh': [['DB'], ['DB_PORT'], ['POSTGRES_SEEDS'], ['POSTGRES_USER'], ['SQL_PASSWORD', 'POSTGRES_PASSWORD_FILE']],
  // The image reads POSTGRES_PWD; deploy/temporal/server-entrypoint.sh sets it from POSTGRES_PASSWORD_FILE.
  'temporalio/server server-entrypoint.sh': [
    ['DB'],
    ['DB_PORT'],
    ['POSTGRES_SEEDS'],
    ['POSTGRES_USER'],
    ['POSTGRES_PWD', 'POSTGRES_PASSWORD_FILE'],
    ['BIND_ON_IP'],
    ['DYNAMIC_CONFIG_FILE_PATH'],
  ],
  'temporalio/admin-tools create-namespace.sh': [['TEMPORAL_ADDRESS'], ['TEMPORAL_NAMESPACE']],
  'temporalio/ui': [['TEMPORAL_ADDRESS'], ['TEMPORAL_CODEC_ENDPOINT'], ['TEMPORAL_CORS_ORIGINS']],
};

const composeText = read('docker-compose.yml');
const compose = parseCompose(composeText);
/** The running file, interpolated with its defaults, as Compose would see it without a .env. */
const resolved = parseCompose(interpolate(composeText));
const services = resolved.services as Record<string, Service>;
const dockerfile = read('Dockerfile');
const imageEnv = stageEnv(parseDockerfile(dockerfile).stages.at(-1) as never);

/** Secrets the processes read, which must reach them as files; and flags that would put one on a command line. */
const SECRETS = {
  variables: ['TRUNK_CODEC_KEYS', 'TRUNK_CODEC_SERVER_TOKEN', 'SIGNUP_EVENTS_SECRET', 'EXOTEL_ACCOUNTS', 'POSTGRES_PASSWORD', 'POSTGRES_PWD', 'SQL_PASSWORD', 'TEMPORAL_API_KEY', 'TEMPORAL_CODEC_ENDPOINT'],
  flags: ['--admin-token'],
};
// The UI takes its codec endpoint (the codec server's token in its path) from its environment only, and hands it
// to every browser that opens the UI.
const INLINE_ALLOWED = { 'temporal-ui': ['TEMPORAL_CODEC_ENDPOINT'] };

// The files themselves are made by deploy/init-env.sh from the committed examples (with fresh secrets), in a copy
// of deploy/ without what an earlier run left in this checkout.
const temps: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'deploy-'));
  temps.push(dir);
  return dir;
};
const committedDeploy = (): string => {
  const dir = tempDir();
  cpSync(join(ROOT, 'deploy'), dir, { recursive: true, filter: (src) => !/(\.env|accounts\.json|\/secrets)$/.test(src) });
  return dir;
};
const initEnv = (dir: string, env: NodeJS.ProcessEnv = process.env): string => execFileSync('sh', [join(dir, 'init-env.sh')], { encoding: 'utf8', env });
let generated: string;
beforeAll(() => {
  generated = committedDeploy();
  initEnv(generated);
});
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

const readExample = (path: string) => read(`${path}.example`);
const readGenerated = (path: string) => readFileSync(join(generated, relative('deploy', path)), 'utf8');
const envOf = (name: string, readEnvFile = readExample) => serviceEnvironment(services[name] as Service, { readEnvFile, imageEnv });
/** The file init-env.sh made for a compose secret. */
const secretFile = (secret: string, dir = generated): string => join(dir, relative('./deploy', (resolved.secrets?.[secret] as { file: string }).file));
/** A service's environment with each path where a secret is mounted replaced by that secret's generated file. */
const onHost = (name: string): Record<string, string> => {
  const mounts = secretMounts(services[name] as Service);
  return Object.fromEntries(Object.entries(envOf(name, readGenerated)).map(([k, v]) => [k, mounts.has(v) ? secretFile(mounts.get(v) as string) : v]));
};
const flagOf = (name: string, flag: string): string | undefined => {
  const command = commandOf(services[name] as Service);
  return command.includes(flag) ? command[command.indexOf(flag) + 1] : undefined;
};

const tiny = (services: Record<string, Service>): Compose => ({ services });

describe('the Compose specification', () => {
  it('docker-compose.yml validates against it', () => {
    expect(schemaProblems(compose)).toEqual([]);
    expect(schemaProblems(resolved)).toEqual([]);
  });

  it('catches what it should', () => {
    expect(schemaProblems({ services: { a: { image: 1 } } })).toEqual(['/services/a/image must be string']);
    expect(schemaProblems({ services: { a: { image: 'x:1', depends_on: { b: { condition: 'whenever' } } } } })).toContain(
      '/services/a/depends_on/b/condition must be equal to one of the allowed values',
    );
    expect(schemaProblems({ services: { a: { image: 'x:1', environment: 'A=1' } } })).toContain('/services/a/environment must match exactly one schema in oneOf');
    expect(schemaProblems({ services: { a: { image: 'x:1', helthcheck: {} } } }).join()).toContain('helthcheck');
    expect(schemaProblems({ servics: {} }).join()).toContain('servics');
  });
});

const DCLINT = join(dirname(createRequire(__filename).resolve('dclint/package.json')), 'bin', 'dclint.cjs');

/** The installed dclint on a file, with the project's config (.dclintrc.yml); a warning fails like an error. */
function dclint(file: string): { status: number | null; found: { rule: string; line: number }[] } {
  const run = spawnSync(process.execPath, [DCLINT, file, '-c', join(ROOT, '.dclintrc.yml'), '-f', 'json', '--max-warnings', '0'], { encoding: 'utf8' });
  const results = JSON.parse(run.stdout) as { messages: { rule: string; line: number }[] }[];
  return { status: run.status, found: results.flatMap((r) => r.messages.map(({ rule, line }) => ({ rule, line }))) };
}

describe('dclint', () => {
  it('finds nothing in docker-compose.yml', () => {
    expect(dclint(join(ROOT, 'docker-compose.yml'))).toEqual({ status: 0, found: [] });
  });

  it('catches what it should, and the rules turned off stay off', () => {
    const dir = tempDir();
    const file = join(dir, 'compose.yml');
    writeFileSync(file, 'services:\n  web:\n    image: nginx:latest\n    ports:\n      - "8080:80"\n  db:\n    ports:\n      - 127.0.0.1:5432:5432\n    image: postgres:16.14\n');
    const { status, found } = dclint(file);
    expect(status).toBe(1);
    // Not services-alphabetical-order (db after web) nor service-keys-order (ports before image).
    expect(found).toEqual([
      { rule: 'no-unbound-port-interfaces', line: 4 },
      { rule: 'require-project-name-field', line: 1 },
      { rule: 'require-quotes-in-ports', line: 8 },
      { rule: 'service-image-require-explicit-tag', line: 3 },
    ]);
    // The receiver's port as it was, published on every interface.
    writeFileSync(file, composeText.replace('"127.0.0.1:${SIGNUP_EVENTS_HOST_PORT', '"${SIGNUP_EVENTS_HOST_PORT'));
    expect(dclint(file).found.map((f) => f.rule)).toEqual(['no-unbound-port-interfaces']);
  });
});

describe('variables', () => {
  it('every ${VAR} the file interpolates has a default', () => {
    expect(unsetInterpolations(composeText)).toEqual([]);
  });

  it('every variable each process reads is set for the services that run it', () => {
    expect(missingProcessVariables(compose, PROCESS_VARIABLES, { readEnvFile: readExample, imageEnv })).toEqual([]);
    // And with the files init-env.sh writes, which is what a first start uses.
    expect(missingProcessVariables(compose, PROCESS_VARIABLES, { readEnvFile: readGenerated, imageEnv })).toEqual([]);
  });

  it('every env file a service names has its example, and every placeholder in them is filled by init-env.sh', () => {
    const script = read('deploy/init-env.sh');
    for (const file of new Set(Object.values(services).flatMap(envFiles))) {
      expect(() => readExample(file), file).not.toThrow();
      for (const [, placeholder] of readExample(file).matchAll(/@@([A-Z_]+)@@/g)) expect(script, `${file}: @@${placeholder}@@`).toContain(`s|@@${placeholder}@@|`);
      expect(readGenerated(file), file).not.toContain('@@');
    }
  });

  it('the generated secrets pass the rules of the processes that read them', () => {
    const codec = onHost('codec-server');
    expect(loadKeyring(codec)?.keyIds).toEqual([envOf('codec-server').TRUNK_CODEC_KEY_ID]);
    const token = readFileSync(codec.TRUNK_CODEC_SERVER_TOKEN_FILE as string, 'utf8');
    expect(parseCodecServerArgs([], codec)).toMatchObject({ authToken: token.trim() });
    // The UI reaches the codec server with the token the codec server checks.
    expect(envOf('temporal-ui', readGenerated).TEMPORAL_CODEC_ENDPOINT).toBe(`http://localhost:8888/${token}`);
    const events = receiverSettings({ host: flagOf('events', '--host') }, onHost('events'));
    expect(events).toMatchObject({ host: '0.0.0.0', port: 8080, secrets: [readFileSync(onHost('events').SIGNUP_EVENTS_SECRET_FILE as string, 'utf8')] });
    expect(events.secrets).toEqual([expect.stringMatching(/^[\w-]{32,}$/)]);
    expect(readFileSync(onHost('postgresql').POSTGRES_PASSWORD_FILE as string, 'utf8')).toMatch(/^[\w-]{24,}$/);
  });

  it('the worker and receiver configuration load with the project loaders', () => {
    const worker = onHost('worker');
    const config = loadWorkerConfig(worker);
    expect(() => new ExotelAccounts(config.accounts)).not.toThrow();
    expect(config.workflowBundlePath).toBe('/app/dist/workflow-bundle.js');
    expect(loadKeyring(worker)?.keyIds).toEqual(['k1']);
    expect(loadOpsConfig(worker)).toEqual({ opsPort: 9090, opsHost: '0.0.0.0', logLevel: 'INFO' });
    expect(loadTemporalConnectConfig({ ...worker, HOME: generated })).toEqual({ address: 'temporal:7233', addressSource: 'TEMPORAL_ADDRESS', namespace: 'default' });
    expect(loadOpsConfig(envOf('events', readGenerated)).opsPort).toBe(9091);
    expect(loadKeyring(onHost('trunkctl'))?.keyIds).toEqual(['k1']);
  });

  it('catches a missing variable, an unset interpolation and a process nobody listed', () => {
    const broken = tiny({
      worker: { build: '.', command: ['worker'], environment: { TEMPORAL_ADDRESS: 'temporal:7233' } },
      mystery: { image: 'busybox:1.36', command: ['sh'] },
    });
    const problems = missingProcessVariables(broken, PROCESS_VARIABLES, { readEnvFile: () => '' });
    expect(problems).toContain('worker: EXOTEL_ACCOUNTS_FILE or EXOTEL_ACCOUNTS is not set (trunkctl worker reads it)');
    expect(problems).toContain('worker: TRUNK_CODEC_KEYS or TRUNK_CODEC_KEYS_FILE is not set (trunkctl worker reads it)');
    expect(problems).toContain('mystery: runs "busybox", which has no list of the variables it reads');
    expect(problems.join('\n')).not.toContain('TEMPORAL_ADDRESS');
    // An empty value is not set; env files and environment are both read, environment last.
    const viaFiles = tiny({ e: { build: '.', command: ['codec-server'], env_file: ['a.env'], environment: { TRUNK_CODEC_KEYS: '' } } });
    expect(missingProcessVariables(viaFiles, PROCESS_VARIABLES, { readEnvFile: () => 'TRUNK_CODEC_SERVER_TOKEN=x\nTRUNK_CODEC_KEYS={"k":"v"}\n' })).toEqual([
      'e: TRUNK_CODEC_KEYS or TRUNK_CODEC_KEYS_FILE is not set (trunkctl codec-server reads it)',
    ]);
    expect(unsetInterpolations('ports: ["${PORT}:80", "${OK:-1}:1", "$$HOME", "$BARE", "${REQ:?set it}"]')).toEqual([
      '${PORT} is interpolated but has no default and is not set',
      '${BARE} is interpolated but has no default and is not set',
      '${REQ} is interpolated but has no default and is not set',
    ]);
    expect(unsetInterpolations('x: ${PORT}', { PORT: '1' })).toEqual([]);
  });
});

describe('secrets', () => {
  const secretNames = () => Object.keys(resolved.secrets ?? {});
  /** Every secret init-env.sh made, by compose secret name; the codec keys by their material too. */
  const secretValues = (dir: string): Record<string, string> => {
    const values = Object.fromEntries(secretNames().filter((n) => n !== 'exotel-accounts').map((n) => [n, readFileSync(secretFile(n, dir), 'utf8')]));
    for (const [id, key] of Object.entries(JSON.parse(values['codec-keys.json'] ?? '{}') as Record<string, string>)) values[`codec key ${id}`] = key;
    return values;
  };
  const envFilesIn = (dir: string): Record<string, string> =>
    Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.env')).map((f) => [`deploy/${f}`, readFileSync(join(dir, f), 'utf8')]));

  it('every process reads its secrets from files mounted where its *_FILE variables and --*-file flags point', () => {
    expect(secretMountProblems(resolved, { readEnvFile: readExample, imageEnv })).toEqual([]);
    for (const name of secretNames()) expect(statSync(secretFile(name)).isFile(), name).toBe(true);
  });

  it('no secret is set inline, but the UI codec endpoint', () => {
    for (const readEnvFile of [readExample, readGenerated]) {
      expect(inlineSecretProblems(resolved, SECRETS, { readEnvFile, imageEnv, allowed: INLINE_ALLOWED })).toEqual([]);
    }
    expect(leakedSecrets(envFilesIn(generated), secretValues(generated), { 'deploy/temporal-ui.env': ['codec-server-token'] })).toEqual([]);
  });

  it('init-env.sh writes them under deploy/secrets/ (700), 600 when the containers read them as their owner, else 644', () => {
    const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);
    const asUid = (uid: number): string => {
      const dir = committedDeploy();
      const bin = tempDir();
      writeFileSync(join(bin, 'id'), `#!/bin/sh\necho ${uid}\n`, { mode: 0o755 });
      initEnv(dir, { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` });
      return dir;
    };
    for (const [uid, want] of [[1000, '600'], [0, '644'], [501, '644']] as const) {
      const dir = asUid(uid);
      expect(mode(join(dir, 'secrets')), `uid ${uid}`).toBe('700');
      for (const name of secretNames()) expect(mode(secretFile(name, dir)), `uid ${uid}: ${name}`).toBe(want);
    }
  });

  it('what init-env.sh writes stays out of git and of the image', () => {
    const files = (dir: string) =>
      readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => relative(dir, join(e.parentPath, e.name)));
    const committed = new Set(files(committedDeploy()));
    const made = files(generated)
      .filter((p) => !committed.has(p))
      .map((p) => `deploy/${p}`);
    expect(made.length).toBeGreaterThanOrEqual(secretNames().length);
    const ignored = execFileSync('git', ['check-ignore', '--no-index', ...made], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n');
    expect(ignored.sort()).toEqual([...made].sort());
    expect(dockerignoreProblems(read('.dockerignore'), dockerfile, made)).toEqual([]);
  });

  it('init-env.sh never overwrites: a second run keeps every file; another checkout gets other secrets', () => {
    const before = secretValues(generated);
    const envBefore = envFilesIn(generated);
    const out = initEnv(generated);
    expect(out).not.toMatch(/^wrote/m);
    expect(secretValues(generated)).toEqual(before);
    expect(envFilesIn(generated)).toEqual(envBefore);
    const elsewhere = committedDeploy();
    initEnv(elsewhere);
    const other = secretValues(elsewhere);
    for (const [name, value] of Object.entries(other)) if (!name.startsWith('codec key')) expect(value, name).not.toBe(before[name]);
  });

  it('a new codec server token without a new temporal-ui.env stops init-env.sh, naming both files', () => {
    const dir = committedDeploy();
    initEnv(dir);
    rmSync(join(dir, 'secrets', 'codec-server-token'));
    expect(() => execFileSync('sh', [join(dir, 'init-env.sh')], { stdio: 'pipe' })).toThrow(
      'deploy/temporal-ui.env has another codec server token than deploy/secrets/codec-server-token: delete it and run this again',
    );
    rmSync(join(dir, 'temporal-ui.env'));
    initEnv(dir);
    expect(readFileSync(join(dir, 'temporal-ui.env'), 'utf8')).toContain(`/${readFileSync(join(dir, 'secrets', 'codec-server-token'), 'utf8')}\n`);
  });

  it('init-env.sh moves the secrets an earlier version left in the env files, and the files then hold none', () => {
    const dir = committedDeploy();
    const key = Buffer.alloc(32, 7).toString('base64');
    const old = {
      'codec.env': `TRUNK_CODEC_KEYS={"k1":"${key}"}\nTRUNK_CODEC_KEY_ID=k1\n`,
      'codec-server.env': 'TRUNK_CODEC_SERVER_TOKEN=old_codec_server_token_0123456789abcdef\nTEMPORAL_CODEC_ENDPOINT=http://localhost:8888/old_codec_server_token_0123456789abcdef\n',
      'events.env': 'SIGNUP_EVENTS_SECRET=old_signup_secret_0123456789\nSIGNUP_EVENTS_PORT=8080\nOPS_PORT=9091\n',
      'postgres.env': 'POSTGRES_USER=temporal\nPOSTGRES_PASSWORD=old_pg_password\nDB=postgres12\nPOSTGRES_PWD=old_pg_password\nSQL_PASSWORD=old_pg_password\n',
    };
    for (const [file, text] of Object.entries(old)) writeFileSync(join(dir, file), text);
    const oldSecrets = { 'codec key k1': key, token: 'old_codec_server_token_0123456789abcdef', signup: 'old_signup_secret_0123456789', pg: 'old_pg_password' };
    // What the check below catches: the old layout kept them in env files.
    expect(leakedSecrets(envFilesIn(dir), oldSecrets)).toEqual([
      'deploy/codec-server.env holds the secret token',
      'deploy/codec.env holds the secret codec key k1',
      'deploy/events.env holds the secret signup',
      'deploy/postgres.env holds the secret pg',
    ]);
    const out = initEnv(dir);
    expect(out).toContain('deploy/codec-server.env is no longer read');
    expect(secretValues(dir)).toMatchObject({ 'codec key k1': key, 'codec-server-token': oldSecrets.token, 'signup-events-secret': oldSecrets.signup, 'postgres-password': oldSecrets.pg });
    const kept = Object.fromEntries(Object.entries(envFilesIn(dir)).filter(([path]) => path !== 'deploy/codec-server.env'));
    expect(leakedSecrets(kept, secretValues(dir), { 'deploy/temporal-ui.env': ['codec-server-token'] })).toEqual([]);
    expect(parseEnvFile(kept['deploy/codec.env'] ?? '')).toEqual({ TRUNK_CODEC_KEY_ID: 'k1' });
    expect(parseEnvFile(kept['deploy/postgres.env'] ?? '')).toEqual({ POSTGRES_USER: 'temporal', DB: 'postgres12' });
    expect(loadKeyring({ TRUNK_CODEC_KEYS_FILE: join(dir, 'secrets', 'codec-keys.json') })?.keyIds).toEqual(['k1']);
  });

  it("init-env.sh takes SDK_METRICS_ADDRESS out of an earlier worker.env, which the worker would refuse, and keeps the rest", () => {
    const dir = committedDeploy();
    writeFileSync(join(dir, 'worker.env'), 'WORKER_MODE=production\nOPS_PORT=9090\nOPS_HOST=0.0.0.0\nSDK_METRICS_ADDRESS=0.0.0.0:9464\nLOG_LEVEL=INFO\n');
    expect(() => loadOpsConfig(parseEnvFile(readFileSync(join(dir, 'worker.env'), 'utf8')))).toThrow(/SDK_METRICS_ADDRESS = "0.0.0.0:9464": is no longer read/);
    expect(initEnv(dir)).toContain("removed SDK_METRICS_ADDRESS from deploy/worker.env (the SDK's metrics are on OPS_PORT's /metrics now)");
    const after = parseEnvFile(readFileSync(join(dir, 'worker.env'), 'utf8'));
    expect(after).toEqual({ WORKER_MODE: 'production', OPS_PORT: '9090', OPS_HOST: '0.0.0.0', LOG_LEVEL: 'INFO' });
    expect(loadOpsConfig(after)).toEqual({ opsPort: 9090, opsHost: '0.0.0.0', logLevel: 'INFO' });
  });

  it('catches secrets set inline, mounts nobody reads, paths where nothing is mounted, undefined secrets and leaks', () => {
    const broken: Compose = {
      services: {
        events: { build: '.', command: ['events'], environment: { SIGNUP_EVENTS_SECRET: 'inline', TRUNK_CODEC_KEYS_FILE: '/run/secrets/codec-keys' }, secrets: ['codec-keys.json'] },
        sim: { build: '.', command: ['simulator', '--admin-token', 't', '--admin-token-file=/run/secrets/admin'], secrets: [{ source: 'ghost', target: '/etc/token' }] },
        ui: { image: 'temporalio/ui:2.54.1', env_file: ['ui.env'] },
      },
      secrets: { 'codec-keys.json': { file: 'x' } },
    };
    const o = { readEnvFile: () => 'TEMPORAL_CODEC_ENDPOINT=http://localhost:8888/token\n' };
    expect(secretMountProblems(broken, o)).toEqual([
      'events mounts secret codec-keys.json at /run/secrets/codec-keys.json, which no *_FILE variable or --*-file flag names',
      'events: TRUNK_CODEC_KEYS_FILE is /run/secrets/codec-keys, where no secret is mounted',
      'sim mounts secret ghost, which is not defined',
      'sim mounts secret ghost at /etc/token, which no *_FILE variable or --*-file flag names',
      'sim: --admin-token-file is /run/secrets/admin, where no secret is mounted',
    ]);
    expect(inlineSecretProblems(broken, SECRETS, o)).toEqual([
      'events: SIGNUP_EVENTS_SECRET is set inline; mount it as a compose secret and set SIGNUP_EVENTS_SECRET_FILE',
      'sim: --admin-token puts a secret on the command line; use --admin-token-file',
      'ui: TEMPORAL_CODEC_ENDPOINT is set inline; mount it as a compose secret and set TEMPORAL_CODEC_ENDPOINT_FILE',
    ]);
    expect(inlineSecretProblems(broken, SECRETS, { ...o, allowed: { ui: ['TEMPORAL_CODEC_ENDPOINT'] } })).toHaveLength(2);
    expect(leakedSecrets({ 'a.env': 'X=s3cret' }, { s: 's3cret', empty: '' }, { 'b.env': ['s'] })).toEqual(['a.env holds the secret s']);
    expect(leakedSecrets({ 'a.env': 'X=s3cret' }, { s: 's3cret' }, { 'a.env': ['s'] })).toEqual([]);
  });
});

describe('ports, dependencies, images, health', () => {
  it('no two services publish the same host port', () => {
    expect(hostPortClashes(resolved)).toEqual([]);
  });

  it('the worker publishes no host port, so it can be scaled', () => {
    expect(services.worker?.ports ?? []).toEqual([]);
  });

  it('every depends_on target exists, is healthy-checkable when waited for, and runs without a profile', () => {
    expect(dependencyProblems(resolved)).toEqual([]);
  });

  it('every image is pinned, here and in the Dockerfile', () => {
    expect(unpinnedImages(resolved)).toEqual([]);
  });

  it('Temporal server, admin-tools and UI are the versions of the dev server the tests run', async () => {
    const versions = parseTemporalVersion(execFileSync(await resolveTemporalCli(), ['--version'], { encoding: 'utf8' }));
    expect(temporalImageProblems(resolved, versions)).toEqual([]);
    // The tags this file had before the tests moved to Server 1.32.0 and UI 2.54.1.
    const before = parseCompose(interpolate(composeText.replaceAll(`:${versions.server}`, ':1.31.0').replace(`ui:${versions.ui}`, 'ui:2.49.1')));
    expect(temporalImageProblems(before, versions)).toEqual([
      `temporal-schema: temporalio/admin-tools:1.31.0 is not temporalio/admin-tools:${versions.server}`,
      `temporal: temporalio/server:1.31.0 is not temporalio/server:${versions.server}`,
      `temporal-namespace: temporalio/admin-tools:1.31.0 is not temporalio/admin-tools:${versions.server}`,
      `temporal-ui: temporalio/ui:2.49.1 is not temporalio/ui:${versions.ui}`,
    ]);
  });

  it('every long-running service has a health check', () => {
    const oneShots = Object.entries(services).filter(([, s]) => (s.restart ?? '').startsWith('on-failure') || s.restart === 'no').map(([n]) => n);
    expect(oneShots.sort()).toEqual(['temporal-namespace', 'temporal-schema', 'trunkctl']);
    expect(healthcheckProblems(resolved, { exempt: oneShots })).toEqual([]);
  });

  it('health checks ask the port each process serves health on', () => {
    const probe = (name: string) => /127\.0\.0\.1:(\d+)\/(\w+)/.exec(commandOf({ command: services[name]?.healthcheck?.test }).join(' '));
    expect(probe('worker')?.slice(1)).toEqual([envOf('worker').OPS_PORT, 'healthz']);
    expect(probe('events')?.slice(1)).toEqual([envOf('events').OPS_PORT, 'healthz']);
    const codecPort = commandOf(services['codec-server'] as Service)[commandOf(services['codec-server'] as Service).indexOf('--port') + 1];
    expect(probe('codec-server')?.slice(1)).toEqual([codecPort, 'health']);
  });

  it('the UI, the codec server and the browser agree on origins and ports', () => {
    const codec = commandOf(services['codec-server'] as Service);
    const uiPort = /127\.0\.0\.1:(\d+):8080/.exec(JSON.stringify(services['temporal-ui']?.ports))?.[1];
    expect(codec[codec.indexOf('--ui-origin') + 1]).toBe(`http://localhost:${uiPort}`);
    expect(envOf('temporal-ui').TEMPORAL_CORS_ORIGINS).toBe(`http://localhost:${uiPort}`);
    expect(services['codec-server']?.ports).toEqual([`127.0.0.1:8888:${codec[codec.indexOf('--port') + 1]}`]);
  });

  it('the simulator runs only with the simulator profile, its admin API behind the generated token, and the demo accounts point at it', () => {
    expect(services.simulator?.profiles).toEqual(['simulator']);
    const tokenFile = flagOf('simulator', '--admin-token-file') as string;
    expect(secretMounts(services.simulator as Service).get(tokenFile)).toBe('simulator-admin-token');
    expect(readFileSync(secretFile('simulator-admin-token'), 'utf8')).toMatch(/^[\w-]{32,}$/);
    const accounts = JSON.parse(read('deploy/accounts.example.json')) as { baseUrl?: string }[];
    const port = commandOf(services.simulator as Service)[commandOf(services.simulator as Service).indexOf('--port') + 1];
    expect(accounts.map((a) => a.baseUrl)).toEqual([`http://simulator:${port}`]);
  });

  it('the worker gets longer than its drain to stop before Docker kills it', () => {
    const grace = Number(envOf('worker').WORKER_SHUTDOWN_GRACE_SECONDS);
    expect(Number(/^(\d+)s$/.exec(services.worker?.stop_grace_period ?? '')?.[1])).toBeGreaterThan(grace);
  });

  it('catches clashes, missing targets, unhealthy waits, profiles, unpinned images and missing health checks', () => {
    expect(hostPortClashes(tiny({ a: { image: 'a:1', ports: ['8080:80'] }, b: { image: 'b:1', ports: ['127.0.0.1:8080:81'] }, c: { image: 'c:1', ports: ['127.0.0.2:9000:1', '127.0.0.1:9000:2', '5000'] } }))).toEqual([
      'host port 8080 is published by both a and b',
    ]);
    expect(hostPortClashes(tiny({ a: { image: 'a:1', ports: [{ target: 80, published: 7000 }] }, b: { image: 'b:1', ports: ['7000:70'] } }))).toEqual(['host port 7000 is published by both a and b']);
    expect(
      dependencyProblems(
        tiny({
          a: { image: 'a:1', depends_on: ['ghost'] },
          b: { image: 'b:1', depends_on: { c: { condition: 'service_healthy' } } },
          c: { image: 'c:1' },
          d: { image: 'd:1', depends_on: { sim: { condition: 'service_started' } } },
          sim: { image: 's:1', profiles: ['simulator'] },
        }),
      ),
    ).toEqual(['a depends on ghost, which is not a service', 'b waits for c to be healthy, but c has no health check', 'd depends on sim, which only runs with profile simulator']);
    expect(unpinnedImages(tiny({ a: { image: 'postgres' }, b: { image: 'temporalio/ui:latest' }, c: { image: 'registry:5000/x' }, d: { image: 'x@sha256:' + 'a'.repeat(64) }, e: { image: 'localhost:5000/y:1.2' } }))).toEqual([
      'a: postgres has no tag: pin a version or a digest',
      'b: temporalio/ui:latest uses "latest": pin a version or a digest',
      'c: registry:5000/x has no tag: pin a version or a digest',
    ]);
    expect(healthcheckProblems(tiny({ a: { image: 'a:1' }, b: { image: 'b:1', healthcheck: { disable: true } } }), { exempt: [] })).toEqual(['a has no health check', 'b has no health check']);
    expect(parseTemporalVersion('temporal version 1.9.1 (Server 1.32.0, UI 2.54.1)\n')).toEqual({ cli: '1.9.1', server: '1.32.0', ui: '2.54.1' });
    expect(() => parseTemporalVersion('temporal 1.9.1')).toThrow('not the output of temporal --version');
    const versions = { server: '1.32.0', ui: '2.54.1' };
    // The archived temporalio/docker-compose tagged admin-tools with the tctl and CLI versions too.
    const images = tiny({ a: { image: 'temporalio/admin-tools:1.32.0-tctl-1.18.4-cli-1.5.0' }, s: { image: 'temporalio/server:1.32.0@sha256:' + 'a'.repeat(64) } });
    expect(temporalImageProblems(images, versions)).toEqual([
      'a: temporalio/admin-tools:1.32.0-tctl-1.18.4-cli-1.5.0 is not temporalio/admin-tools:1.32.0',
      'no service runs temporalio/ui',
    ]);
  });
});

describe('Temporal: schema, namespace, search attributes, dynamic config', () => {
  it('registers exactly the search attributes domain/search-attributes.ts defines, with their types', () => {
    const line = /^SEARCH_ATTRIBUTES="([^"]*)"$/m.exec(read('deploy/temporal/create-namespace.sh'))?.[1] ?? '';
    const registered = line.split(/\s+/).filter(Boolean).sort();
    const expected = allSearchAttributeKeys.map((k) => `${k.name}=${TypedSearchAttributes.toMetadataType(k.type)}`).sort();
    expect(registered).toEqual(expected);
  });

  it('creates the namespace the processes use', () => {
    expect(services['temporal-namespace']?.environment).toMatchObject({ TEMPORAL_NAMESPACE: envOf('worker').TEMPORAL_NAMESPACE });
    expect(envOf('events').TEMPORAL_NAMESPACE).toBe(envOf('worker').TEMPORAL_NAMESPACE);
  });

  /** The file on this machine that a service runs as `sh <script>`, through the volume that mounts it. */
  const scriptOnHost = (name: string): string => {
    const service = services[name] as Service;
    const script = [...commandOf({ command: service.entrypoint }), ...commandOf(service)].find((a) => a.endsWith('.sh')) as string;
    const mount = (service.volumes ?? []).map(String).find((v) => script.startsWith(`${v.split(':')[1]}/`));
    expect(mount, `${name} runs ${script}`).toBeDefined();
    return join(ROOT, (mount as string).split(':')[0] as string, script.slice((mount as string).split(':')[1]?.length ?? 0));
  };
  const fakeBin = (programs: Record<string, string>): string => {
    const bin = tempDir();
    for (const [name, body] of Object.entries(programs)) writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    return bin;
  };
  const password = () => readFileSync(secretFile('postgres-password'), 'utf8');

  it('mounts the scripts and dynamic config the services run', () => {
    for (const name of ['temporal-schema', 'temporal', 'temporal-namespace']) {
      const hostPath = scriptOnHost(name);
      expect(statSync(hostPath).isFile()).toBe(true);
      expect(() => execFileSync('sh', ['-n', hostPath])).not.toThrow();
    }
    const config = envOf('temporal').DYNAMIC_CONFIG_FILE_PATH as string;
    expect(config).toBe('config/dynamicconfig/development-sql.yaml');
    expect((services.temporal?.volumes ?? []).map(String)).toContain('./deploy/dynamicconfig:/etc/temporal/config/dynamicconfig:ro');
  });

  it('the schema job gives temporal-sql-tool the password from the secret, in SQL_PASSWORD, never as a flag', () => {
    const bin = fakeBin({ nc: 'exit 0', 'temporal-sql-tool': 'printf "%s|%s\\n" "$SQL_PASSWORD" "$*" >> "$CALLS"' });
    const env = { ...onHost('temporal-schema'), PATH: `${bin}:${process.env.PATH ?? ''}`, CALLS: join(bin, 'calls') };
    execFileSync('sh', [scriptOnHost('temporal-schema')], { env, stdio: 'pipe' });
    const calls = readFileSync(join(bin, 'calls'), 'utf8').trim().split('\n');
    expect(calls).toHaveLength(6);
    for (const call of calls) expect(call).toMatch(new RegExp(`^${password()}\\|--plugin postgres12 --ep postgresql -p 5432 -u temporal --db temporal`));
    expect(calls.join('\n').split('|').filter((part) => part.includes(password()))).toHaveLength(6);
    expect(() => execFileSync('sh', [scriptOnHost('temporal-schema')], { env: { ...env, SQL_PASSWORD: 'x' }, stdio: 'pipe' })).toThrow(
      'set SQL_PASSWORD or POSTGRES_PASSWORD_FILE, not both',
    );
  });

  it("the server's wrapper exports POSTGRES_PWD from the secret and runs the image's start script with the arguments", () => {
    // The image's script is replaced by one that shows what it was given (the real one is checked in docs/deploy.md).
    const text = readFileSync(scriptOnHost('temporal'), 'utf8');
    expect(text).toContain('exec /etc/temporal/entrypoint.sh "$@"');
    const bin = fakeBin({ entrypoint: 'echo "args: $*"; env' });
    const wrapper = join(bin, 'wrapper.sh');
    writeFileSync(wrapper, text.replace('exec /etc/temporal/entrypoint.sh', `exec ${join(bin, 'entrypoint')}`));
    const env = onHost('temporal');
    const out = execFileSync('sh', [wrapper, 'a', 'b c'], { env, encoding: 'utf8' });
    expect(out).toContain('args: a b c\n');
    expect(parseEnvFile(out)).toMatchObject({ POSTGRES_PWD: password(), DB: 'postgres12', POSTGRES_SEEDS: 'postgresql', BIND_ON_IP: '0.0.0.0' });
    expect(out).not.toContain('POSTGRES_PASSWORD_FILE');
    expect(() => execFileSync('sh', [wrapper], { env: { ...env, POSTGRES_PWD: 'x' }, stdio: 'pipe' })).toThrow('set POSTGRES_PWD or POSTGRES_PASSWORD_FILE, not both');
  });

  it('the dynamic config is well-formed and turns on what the project uses', () => {
    const config = parse(read('deploy/dynamicconfig/development-sql.yaml')) as Record<string, { value: unknown; constraints?: object }[]>;
    for (const [key, entries] of Object.entries(config)) {
      expect(Array.isArray(entries) && entries.every((e) => 'value' in e), key).toBe(true);
    }
    for (const key of ['frontend.enableUpdateWorkflowExecution', 'frontend.enableUpdateWorkflowExecutionAsyncAccepted', 'matching.enableFairness']) {
      expect(config[key]?.[0]?.value, key).toBe(true);
    }
  });
});

describe('the Dockerfile and the build context', () => {
  const sourceFiles = (dir: string): string[] => {
    const walk = (d: string): string[] =>
      readdirSync(join(ROOT, d), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
    return walk(dir);
  };
  const buildIncludes = (JSON.parse(read('tsconfig.build.json')) as { include: string[] }).include;

  it('has its stages, runs the compiled CLI as a non-root user, and ships the prebuilt bundle', () => {
    expect(parseDockerfile(dockerfile).stages.map((s) => s.name)).toEqual(['deps', 'build', 'prod-deps', 'runtime']);
    expect(dockerfileProblems(dockerfile, { sourceFiles, buildIncludes })).toEqual([]);
    expect(imageEnv).toMatchObject({ WORKER_MODE: 'production', WORKFLOW_BUNDLE_PATH: '/app/dist/workflow-bundle.js' });
    // Production dependencies only in the final stage: dev tools (tsx, typescript) stay in the build stages.
    const runtime = parseDockerfile(dockerfile).stages.at(-1);
    expect(runtime?.instructions.filter((i) => i.op === 'COPY').map((i) => i.args)).toEqual(['--from=prod-deps /app/node_modules ./node_modules', '--from=build /app/dist ./dist', 'package.json ./']);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
  });

  it('every service built from it runs a trunkctl command that exists', () => {
    // `help` is commander's own command.
    const commands = [...program().commands.map((c) => c.name()), 'help'];
    for (const [name, s] of Object.entries(services).filter(([, x]) => x.build !== undefined)) {
      expect(commands, name).toContain(commandOf(s)[0]);
    }
  });

  it('catches missing stages, a shell-form entrypoint, files the build does not make, root and unpinned bases', () => {
    const broken = `ARG BASE=node
FROM \${BASE} AS build
WORKDIR /app
COPY client ./client
RUN npx tsc -p tsconfig.build.json
FROM node:latest
WORKDIR /srv
COPY --from=biuld /app/dist ./dist
COPY --from=build /app/dist ./dist
ENV WORKFLOW_BUNDLE_PATH=/srv/dist/workflow-bundle.js
ENTRYPOINT node dist/cli/trunkctl.js
`;
    expect(dockerfileProblems(broken, { sourceFiles, buildIncludes })).toEqual([
      'stage build: node has no tag: pin a version or a digest',
      'stage (final): node:latest uses "latest": pin a version or a digest',
      'stage (final): COPY --from=biuld names no stage',
      'the final stage runs as root: add USER',
      'ENTRYPOINT is not in exec form (JSON list): signals would go to a shell, not to node',
      'ENV WORKFLOW_BUNDLE_PATH=/srv/dist/workflow-bundle.js names a file the build does not put in the final stage',
    ]);
    const wrongFile = dockerfile.replace('"dist/cli/trunkctl.js"', '"dist/cli/trunkctl-main.js"');
    expect(dockerfileProblems(wrongFile, { sourceFiles, buildIncludes })).toEqual(['ENTRYPOINT runs dist/cli/trunkctl-main.js, which the build does not put in the final stage']);
    const notCompiled = dockerfile.replace('COPY cli ./cli\n', '');
    expect(dockerfileProblems(notCompiled, { sourceFiles, buildIncludes })).toEqual(['ENTRYPOINT runs dist/cli/trunkctl.js, which the build does not put in the final stage']);
  });

  it('.dockerignore keeps what the build copies and leaves out secrets and host builds', () => {
    const mustExclude = ['deploy/worker.env', 'deploy/accounts.json', 'node_modules/x', '.git/config', 'dist/cli/trunkctl.js', '.tools/bin/temporal'];
    expect(dockerignoreProblems(read('.dockerignore'), dockerfile, mustExclude)).toEqual([]);
    expect(dockerignoreProblems('client\n!deploy\n', 'FROM x:1\nCOPY client ./client\nCOPY domain ./domain\n', ['deploy/worker.env', 'node_modules/a'])).toEqual([
      '.dockerignore leaves out client, which the Dockerfile copies',
      '.dockerignore lets deploy/worker.env into the build context',
      '.dockerignore lets node_modules/a into the build context',
    ]);
  });
});
