// docker-compose.yml, the Dockerfile and deploy/ checked statically (no Docker engine here): the Compose schema,
// variables, ports, dependencies, pinned images, what the image holds. Each checker is also shown to catch a break.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { TypedSearchAttributes } from '@temporalio/common';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { program } from '../../cli/trunkctl';
import { authTokenRule } from '../../codec/server';
import { loadKeyring } from '../../codec/keyring';
import { allSearchAttributeKeys } from '../../domain/search-attributes';
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
  schemaProblems,
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
    ['SDK_METRICS_ADDRESS'],
    ['LOG_LEVEL'],
  ],
  'trunkctl events': [...TEMPORAL_CONNECTION, ['SIGNUP_EVENTS_SECRET'], ['SIGNUP_EVENTS_PORT'], ['OPS_DECISION_TIMEOUT'], CODEC_KEYS, ['OPS_PORT'], ['LOG_LEVEL']],
  'trunkctl codec-server': [['TRUNK_CODEC_SERVER_TOKEN'], CODEC_KEYS],
  'trunkctl simulator': [],
  // The CLI's client commands (outbound, list, show, retry …): they read results with the same keys.
  'trunkctl help': [...TEMPORAL_CONNECTION, CODEC_KEYS],
  postgres: [['POSTGRES_USER'], ['POSTGRES_PASSWORD']],
  'temporalio/admin-tools setup-postgres.sh': [['DB'], ['DB_PORT'], ['POSTGRES_SEEDS'], ['POSTGRES_USER'], ['SQL_PASSWORD']],
  'temporalio/server': [['DB'], ['DB_PORT'], ['POSTGRES_SEEDS'], ['POSTGRES_USER'], ['POSTGRES_PWD'], ['BIND_ON_IP'], ['DYNAMIC_CONFIG_FILE_PATH']],
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

// The env files themselves are made by deploy/init-env.sh from the committed examples (with fresh secrets).
let generated: string;
beforeAll(() => {
  generated = mkdtempSync(join(tmpdir(), 'deploy-'));
  cpSync(join(ROOT, 'deploy'), generated, { recursive: true });
  execFileSync('sh', [join(generated, 'init-env.sh')], { stdio: 'ignore' });
});
afterAll(() => rmSync(generated, { recursive: true, force: true }));

const readExample = (path: string) => read(`${path}.example`);
const readGenerated = (path: string) => readFileSync(join(generated, relative('deploy', path)), 'utf8');
const envOf = (name: string, readEnvFile = readExample) => serviceEnvironment(services[name] as Service, { readEnvFile, imageEnv });

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
    const codec = envOf('codec-server', readGenerated);
    expect(loadKeyring(codec)?.keyIds.length).toBeGreaterThan(0);
    expect(authTokenRule(codec.TRUNK_CODEC_SERVER_TOKEN as string)).toBeNull();
    expect((envOf('events', readGenerated).SIGNUP_EVENTS_SECRET as string).length).toBeGreaterThanOrEqual(16);
    // The UI reaches the codec server with the token the codec server checks.
    const ui = envOf('temporal-ui', readGenerated);
    expect(ui.TEMPORAL_CODEC_ENDPOINT).toBe(`http://localhost:8888/${codec.TRUNK_CODEC_SERVER_TOKEN}`);
    // Two runs never share a secret.
    const again = mkdtempSync(join(tmpdir(), 'deploy-'));
    try {
      cpSync(join(ROOT, 'deploy'), again, { recursive: true });
      execFileSync('sh', [join(again, 'init-env.sh')], { stdio: 'ignore' });
      expect(parseEnvFile(readFileSync(join(again, 'codec-server.env'), 'utf8')).TRUNK_CODEC_SERVER_TOKEN).not.toBe(codec.TRUNK_CODEC_SERVER_TOKEN);
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  });

  it('the worker and receiver configuration load with the project loaders', () => {
    const worker = envOf('worker', readGenerated);
    // The accounts file is a compose secret mounted at /run/secrets/<target>; read the generated one instead.
    const secret = (services.worker?.secrets ?? []).find((s) => typeof s === 'object' && worker.EXOTEL_ACCOUNTS_FILE === `/run/secrets/${s.target}`);
    expect(secret, 'EXOTEL_ACCOUNTS_FILE must be where a compose secret is mounted').toBeDefined();
    expect(resolved.secrets?.[(secret as { source: string }).source]).toEqual({ file: './deploy/accounts.json' });
    const config = loadWorkerConfig({ ...worker, EXOTEL_ACCOUNTS_FILE: join(generated, 'accounts.json') });
    expect(() => new ExotelAccounts(config.accounts)).not.toThrow();
    expect(config.workflowBundlePath).toBe('/app/dist/workflow-bundle.js');
    expect(loadOpsConfig(worker)).toEqual({ opsPort: 9090, sdkMetricsAddress: '0.0.0.0:9464', logLevel: 'INFO' });
    expect(loadTemporalConnectConfig({ ...worker, HOME: generated })).toEqual({ address: 'temporal:7233', addressSource: 'TEMPORAL_ADDRESS', namespace: 'default' });
    expect(loadOpsConfig(envOf('events', readGenerated)).opsPort).toBe(9091);
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

  it('the simulator runs only with the simulator profile, and the demo accounts point at it', () => {
    expect(services.simulator?.profiles).toEqual(['simulator']);
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

  it('mounts the scripts and dynamic config the services run', () => {
    for (const name of ['temporal-schema', 'temporal-namespace']) {
      const script = commandOf(services[name] as Service)[0] as string;
      const mount = (services[name]?.volumes ?? []).map(String).find((v) => script.startsWith(`${v.split(':')[1]}/`));
      expect(mount, `${name} runs ${script}`).toBeDefined();
      const hostPath = join(ROOT, (mount as string).split(':')[0] as string, script.slice((mount as string).split(':')[1]?.length ?? 0));
      expect(statSync(hostPath).isFile()).toBe(true);
      expect(() => execFileSync('sh', ['-n', hostPath])).not.toThrow();
    }
    const config = envOf('temporal').DYNAMIC_CONFIG_FILE_PATH as string;
    expect(config).toBe('config/dynamicconfig/development-sql.yaml');
    expect((services.temporal?.volumes ?? []).map(String)).toContain('./deploy/dynamicconfig:/etc/temporal/config/dynamicconfig:ro');
  });

  it('the dynamic config is well-formed and turns on what the project uses', () => {
    const config = parse(read('deploy/dynamicconfig/development-sql.yaml')) as Record<string, { value: unknown; constraints?: object }[]>;
    for (const [key, entries] of Object.entries(config)) {
      expect(Array.isArray(entries) && entries.every((e) => 'value' in e), key).toBe(true);
    }
    for (const key of ['frontend.enableUpdateWorkflowExecution', 'frontend.enableUpdateWorkflowExecutionAsyncAccepted', 'frontend.activityAPIsEnabled']) {
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
