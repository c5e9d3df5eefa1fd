// Static checks of docker-compose.yml and the Dockerfile, for a machine without a Docker engine. Each returns the
// problems it found as sentences (empty = fine), so a test can show them all and prove each on a broken example.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, posix } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';

export type Compose = {
  services?: Record<string, Service>;
  secrets?: Record<string, unknown>;
  volumes?: Record<string, unknown>;
  [key: string]: unknown;
};

export type Service = {
  image?: string;
  build?: unknown;
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  env_file?: string | (string | { path: string; required?: boolean })[];
  ports?: (string | number | { target: number; published?: string | number; host_ip?: string })[];
  depends_on?: string[] | Record<string, { condition?: string; required?: boolean }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  profiles?: string[];
  secrets?: (string | { source: string; target?: string })[];
  volumes?: (string | { type?: string; source?: string; target: string })[];
  stop_grace_period?: string;
  restart?: string;
  [key: string]: unknown;
};

/** Parses YAML as Compose does, with `<<:` merge keys resolved. */
export function parseCompose(text: string): Compose {
  return parse(text, { merge: true }) as Compose;
}

// ---------------------------------------------------------------------------------------------------------------
// The Compose specification

/** The Compose specification's JSON schema, as shipped (and pinned) by the dclint package. */
export function composeSchema(): object {
  const pkg = createRequire(__filename).resolve('dclint/package.json');
  const schema = JSON.parse(readFileSync(join(dirname(pkg), 'schemas', 'compose.schema.json'), 'utf8')) as Record<string, unknown>;
  // Its "$schema" names draft-07 without the trailing '#', which Ajv does not recognise; the content is draft-07.
  delete schema.$schema;
  return schema;
}

let validator: ReturnType<Ajv['compile']> | undefined;

export function schemaProblems(doc: unknown): string[] {
  validator ??= new Ajv({ allErrors: true, strict: false }).compile(composeSchema());
  if (validator(doc)) return [];
  return (validator.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, $VAR; $$ is a literal dollar.

const INTERPOLATION = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** Variables the file interpolates that neither have a default nor are set in `env` (the project .env, if any). */
export function unsetInterpolations(text: string, env: Record<string, string> = {}): string[] {
  const problems = new Set<string>();
  for (const m of text.matchAll(INTERPOLATION)) {
    if (m[0] === '$$') continue;
    const name = (m[1] ?? m[4]) as string;
    const op = m[2];
    const hasDefault = op === ':-' || op === '-';
    if (!hasDefault && !(name in env)) problems.add(`\${${name}} is interpolated but has no default and is not set`);
  }
  return [...problems];
}

/** The text with every interpolation replaced by its value or default (what Compose would run). */
export function interpolate(text: string, env: Record<string, string> = {}): string {
  return text.replace(INTERPOLATION, (whole, braced?: string, op?: string, arg?: string, bare?: string) => {
    if (whole === '$$') return '$$';
    const name = (braced ?? bare) as string;
    const value = env[name];
    if (op === ':-') return value ? value : (arg ?? '');
    if (op === '-') return value ?? arg ?? '';
    return value ?? '';
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Environment of each service

/** KEY=VALUE lines as Compose reads an env file: comments and blank lines skipped, surrounding quotes removed. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq < 1) continue;
    const key = line.slice(0, eq).replace(/^export\s+/, '').trim();
    let value = line.slice(eq + 1).trim();
    if (/^(['"]).*\1$/.test(value)) value = value.slice(1, -1);
    out[key] = value;
  }
  return out;
}

export function envFiles(service: Service): string[] {
  const files = service.env_file === undefined ? [] : Array.isArray(service.env_file) ? service.env_file : [service.env_file];
  return files.map((f) => (typeof f === 'string' ? f : f.path));
}

function environmentOf(service: Service): Record<string, string> {
  const env = service.environment;
  if (env === undefined) return {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((kv) => [kv.split('=')[0] ?? kv, kv.includes('=') ? kv.slice(kv.indexOf('=') + 1) : '']));
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

/** What the container sees: the image's ENV, then each env_file in order, then `environment`. */
export function serviceEnvironment(service: Service, o: { readEnvFile: (path: string) => string; imageEnv?: Record<string, string> }): Record<string, string> {
  const env: Record<string, string> = { ...(service.build !== undefined ? (o.imageEnv ?? {}) : {}) };
  for (const file of envFiles(service)) Object.assign(env, parseEnvFile(o.readEnvFile(file)));
  return Object.assign(env, environmentOf(service));
}

const argv = (c: string | string[] | undefined): string[] => (c === undefined ? [] : Array.isArray(c) ? c : c.split(/\s+/).filter(Boolean));

export function commandOf(service: Service): string[] {
  return argv(service.command);
}

/** Requirements per process: each inner list is one variable, or alternatives of which one must be set. */
export type ProcessVariables = Record<string, string[][]>;

/** `trunkctl <command>` for services built from the project's Dockerfile, else the image name and its script. */
export function processOf(service: Service): string {
  const command = commandOf(service);
  if (service.build !== undefined) return `trunkctl ${command[0] ?? '(default)'}`;
  const image = (service.image ?? '').replace(/[:@].*$/, '');
  const script = [...argv(service.entrypoint), ...command].at(-1);
  return script?.endsWith('.sh') ? `${image} ${posix.basename(script)}` : image;
}

export function missingProcessVariables(
  compose: Compose,
  required: ProcessVariables,
  o: { readEnvFile: (path: string) => string; imageEnv?: Record<string, string> },
): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(compose.services ?? {})) {
    const process = processOf(service);
    const groups = required[process];
    if (groups === undefined) {
      problems.push(`${name}: runs "${process}", which has no list of the variables it reads`);
      continue;
    }
    const env = serviceEnvironment(service, o);
    for (const group of groups) {
      if (!group.some((v) => (env[v] ?? '') !== '')) problems.push(`${name}: ${group.join(' or ')} is not set (${process} reads it)`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// Secrets

const SECRETS_DIR = '/run/secrets';

/** Where each compose secret a service mounts appears in its container: path → secret name. */
export function secretMounts(service: Service): Map<string, string> {
  return new Map(
    (service.secrets ?? []).map((s) => {
      const { source, target = source } = typeof s === 'string' ? { source: s } : s;
      return [posix.isAbsolute(target) ? target : posix.join(SECRETS_DIR, target), source];
    }),
  );
}

/** Files a service is told to read: its *_FILE variables and the values of its --*-file flags. */
export function filesRead(service: Service, env: Record<string, string>): { by: string; path: string }[] {
  const out = Object.entries(env).filter(([k, v]) => k.endsWith('_FILE') && v !== '').map(([by, path]) => ({ by, path }));
  const command = commandOf(service);
  command.forEach((arg, i) => {
    const m = /^(--[\w-]+-file)(?:=(.*))?$/.exec(arg);
    const path = m?.[2] ?? command[i + 1];
    if (m && path !== undefined) out.push({ by: m[1] as string, path });
  });
  return out;
}

/**
 * Each secret a service mounts is defined and named by one of its *_FILE variables or --*-file flags, and each of
 * those that points into /run/secrets/ has a secret mounted there.
 */
export function secretMountProblems(compose: Compose, o: { readEnvFile: (path: string) => string; imageEnv?: Record<string, string> }): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(compose.services ?? {})) {
    const mounts = secretMounts(service);
    const read = filesRead(service, serviceEnvironment(service, o));
    for (const [path, source] of mounts) {
      if (!(source in (compose.secrets ?? {}))) problems.push(`${name} mounts secret ${source}, which is not defined`);
      if (!read.some((r) => r.path === path)) problems.push(`${name} mounts secret ${source} at ${path}, which no *_FILE variable or --*-file flag names`);
    }
    for (const { by, path } of read) {
      if (path.startsWith(`${SECRETS_DIR}/`) && !mounts.has(path)) problems.push(`${name}: ${by} is ${path}, where no secret is mounted`);
    }
  }
  return problems;
}

/** Secrets given to a service inline (environment, env files or flags) rather than as files; `allowed` lists exceptions. */
export function inlineSecretProblems(
  compose: Compose,
  secrets: { variables: string[]; flags: string[] },
  o: { readEnvFile: (path: string) => string; imageEnv?: Record<string, string>; allowed?: Record<string, string[]> },
): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(compose.services ?? {})) {
    const allowed = o.allowed?.[name] ?? [];
    const env = serviceEnvironment(service, o);
    for (const v of secrets.variables) {
      if ((env[v] ?? '') !== '' && !allowed.includes(v)) problems.push(`${name}: ${v} is set inline; mount it as a compose secret and set ${v}_FILE`);
    }
    for (const flag of secrets.flags) {
      if (commandOf(service).some((a) => a === flag || a.startsWith(`${flag}=`))) problems.push(`${name}: ${flag} puts a secret on the command line; use ${flag}-file`);
    }
  }
  return problems;
}

/** Secret values found in files (path → text) that may not hold them; `allowed` maps a path to the secrets it may. */
export function leakedSecrets(files: Record<string, string>, secrets: Record<string, string>, allowed: Record<string, string[]> = {}): string[] {
  return Object.entries(files).flatMap(([path, text]) =>
    Object.entries(secrets)
      .filter(([name, value]) => value !== '' && text.includes(value) && !(allowed[path] ?? []).includes(name))
      .map(([name]) => `${path} holds the secret ${name}`),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Ports, dependencies, images

interface Published {
  service: string;
  hostIp: string;
  port: number;
}

function publishedPorts(name: string, service: Service): Published[] {
  const out: Published[] = [];
  for (const p of service.ports ?? []) {
    if (typeof p === 'object') {
      if (p.published !== undefined) out.push({ service: name, hostIp: p.host_ip ?? '0.0.0.0', port: Number(p.published) });
      continue;
    }
    // [host_ip:]host_port:container_port[/proto]; a lone container port gets a random host port.
    const spec = String(p).replace(/\/(tcp|udp)$/, '');
    const parts = spec.split(':');
    if (parts.length === 3) out.push({ service: name, hostIp: parts[0] as string, port: Number(parts[1]) });
    else if (parts.length === 2) out.push({ service: name, hostIp: '0.0.0.0', port: Number(parts[0]) });
  }
  return out;
}

/** Two services publishing the same host port on overlapping addresses (0.0.0.0 overlaps every address). */
export function hostPortClashes(compose: Compose): string[] {
  const all = Object.entries(compose.services ?? {}).flatMap(([name, s]) => publishedPorts(name, s));
  const problems: string[] = [];
  all.forEach((a, i) => {
    for (const b of all.slice(i + 1)) {
      const overlap = a.hostIp === b.hostIp || a.hostIp === '0.0.0.0' || b.hostIp === '0.0.0.0';
      if (a.port === b.port && overlap) problems.push(`host port ${a.port} is published by both ${a.service} and ${b.service}`);
    }
    if (!Number.isInteger(a.port) || a.port < 1 || a.port > 65535) problems.push(`${a.service}: host port ${a.port} is not a port`);
  });
  return problems;
}

const CONDITIONS = ['service_started', 'service_healthy', 'service_completed_successfully'];

export function dependencyProblems(compose: Compose): string[] {
  const services = compose.services ?? {};
  const problems: string[] = [];
  for (const [name, service] of Object.entries(services)) {
    const deps = service.depends_on ?? [];
    const entries = Array.isArray(deps) ? deps.map((d) => [d, {}] as const) : Object.entries(deps);
    for (const [target, spec] of entries) {
      const dependency = services[target];
      const condition = (spec as { condition?: string }).condition ?? 'service_started';
      if (!dependency) {
        problems.push(`${name} depends on ${target}, which is not a service`);
        continue;
      }
      if (!CONDITIONS.includes(condition)) problems.push(`${name} depends on ${target} with unknown condition ${condition}`);
      if (condition === 'service_healthy' && (!dependency.healthcheck || dependency.healthcheck.disable)) {
        problems.push(`${name} waits for ${target} to be healthy, but ${target} has no health check`);
      }
      // A service that always starts must not need one that only starts with a profile.
      if (dependency.profiles?.length && !(service.profiles ?? []).some((p) => dependency.profiles?.includes(p))) {
        problems.push(`${name} depends on ${target}, which only runs with profile ${dependency.profiles.join('/')}`);
      }
    }
  }
  return problems;
}

/** name[:tag][@digest]: a tag that is not "latest", or a digest. */
export function imagePinProblem(image: string): string | null {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return null;
  const lastSegment = image.split('/').at(-1) ?? image;
  const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : undefined;
  if (tag === undefined) return `${image} has no tag: pin a version or a digest`;
  if (tag === 'latest') return `${image} uses "latest": pin a version or a digest`;
  return null;
}

export function unpinnedImages(compose: Compose): string[] {
  return Object.entries(compose.services ?? {}).flatMap(([name, s]) => {
    if (s.image === undefined) return s.build === undefined ? [`${name} has neither image nor build`] : [];
    const problem = imagePinProblem(s.image);
    return problem ? [`${name}: ${problem}`] : [];
  });
}

/** What `temporal --version` prints: "temporal version 1.9.1 (Server 1.32.0, UI 2.54.1)". */
export function parseTemporalVersion(text: string): { cli: string; server: string; ui: string } {
  const m = /temporal version (\S+) \(Server (\S+), UI (\S+)\)/.exec(text);
  if (!m) throw new Error(`not the output of temporal --version: ${JSON.stringify(text.trim())}`);
  return { cli: m[1] as string, server: m[2] as string, ui: m[3] as string };
}

const TEMPORAL_IMAGES = { 'temporalio/server': 'server', 'temporalio/admin-tools': 'server', 'temporalio/ui': 'ui' } as const;

/**
 * Temporal's images tagged with the versions given, as temporalio/samples-server's compose tags them: server and
 * admin-tools by the server version, the UI by its own. Each of the three must be used.
 */
export function temporalImageProblems(compose: Compose, versions: { server: string; ui: string }): string[] {
  const problems: string[] = [];
  const used = new Set<string>();
  for (const [name, s] of Object.entries(compose.services ?? {})) {
    const [repo = '', tag = ''] = (s.image ?? '').split('@')[0]?.split(':') ?? [];
    if (!(repo in TEMPORAL_IMAGES)) continue;
    used.add(repo);
    const want = versions[TEMPORAL_IMAGES[repo as keyof typeof TEMPORAL_IMAGES]];
    if (tag !== want) problems.push(`${name}: ${s.image ?? ''} is not ${repo}:${want}`);
  }
  for (const repo of Object.keys(TEMPORAL_IMAGES)) if (!used.has(repo)) problems.push(`no service runs ${repo}`);
  return problems;
}

export function healthcheckProblems(compose: Compose, o: { exempt: string[] }): string[] {
  return Object.entries(compose.services ?? {}).flatMap(([name, s]) => {
    if (o.exempt.includes(name)) return [];
    return !s.healthcheck?.test || s.healthcheck.disable ? [`${name} has no health check`] : [];
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Dockerfile

export interface Stage {
  name?: string;
  from: string;
  instructions: { op: string; args: string }[];
}

export function parseDockerfile(text: string): { args: Record<string, string>; stages: Stage[] } {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of lines) {
    const [op = '', ...rest] = line.split(/\s+/);
    const argText = rest.join(' ');
    const upper = op.toUpperCase();
    if (upper === 'FROM') {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(argText);
      const from = (m?.[1] ?? argText).replace(/\$\{(\w+)\}|\$(\w+)/g, (_w, a?: string, b?: string) => args[(a ?? b) as string] ?? '');
      stages.push({ from, ...(m?.[2] ? { name: m[2] } : {}), instructions: [] });
    } else if (stages.length === 0 && upper === 'ARG') {
      const [k = '', v = ''] = argText.split('=');
      args[k] = v;
    } else {
      stages.at(-1)?.instructions.push({ op: upper, args: argText });
    }
  }
  return { args, stages };
}

function execForm(args: string): string[] | null {
  try {
    const parsed = JSON.parse(args) as unknown;
    return Array.isArray(parsed) && parsed.every((a) => typeof a === 'string') ? parsed : null;
  } catch {
    return null;
  }
}

/** ENV of a stage, KEY=VALUE pairs (several per line). */
export function stageEnv(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const i of stage.instructions.filter((x) => x.op === 'ENV')) {
    for (const m of i.args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) env[m[1] as string] = (m[2] as string).replace(/^"|"$/g, '');
  }
  return env;
}

function workdir(stage: Stage, stages: Stage[]): string {
  const own = stage.instructions.filter((i) => i.op === 'WORKDIR').at(-1)?.args;
  if (own) return own;
  const parent = stages.find((s) => s.name === stage.from);
  return parent ? workdir(parent, stages) : '/';
}

function stageChain(stage: Stage, stages: Stage[]): Stage[] {
  const parent = stages.find((s) => s.name === stage.from);
  return parent ? [...stageChain(parent, stages), stage] : [stage];
}

/**
 * Files a stage's filesystem holds that the build made: tsc's output for every .ts file it copied in and compiled
 * with tsconfig.build.json, and the workflow bundle, in that stage and the stages it builds on.
 */
export function builtFiles(stage: Stage, stages: Stage[], o: { sourceFiles: (dir: string) => string[]; buildIncludes: string[] }): Set<string> {
  const files = new Set<string>();
  for (const s of stageChain(stage, stages)) {
    const dir = workdir(s, stages);
    const copied = s.instructions.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from')).flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    for (const i of s.instructions.filter((x) => x.op === 'RUN')) {
      if (/\btsc -p tsconfig\.build\.json\b/.test(i.args)) {
        for (const src of copied.filter((c) => o.buildIncludes.includes(c))) {
          for (const f of o.sourceFiles(src).filter((x) => x.endsWith('.ts') && !x.endsWith('.d.ts'))) files.add(posix.join(dir, 'dist', f.replace(/\.ts$/, '.js')));
        }
      }
      const bundle = /build-workflow-bundle\.ts\s+(\S+)/.exec(i.args);
      if (bundle) files.add(posix.join(dir, bundle[1] as string));
    }
  }
  return files;
}

export function dockerfileProblems(text: string, o: { sourceFiles: (dir: string) => string[]; buildIncludes: string[] }): string[] {
  const { stages } = parseDockerfile(text);
  const problems: string[] = [];
  const names = new Set(stages.flatMap((s) => (s.name ? [s.name] : [])));
  const final = stages.at(-1);
  if (!final) return ['the Dockerfile has no FROM'];
  for (const s of stages) {
    if (!names.has(s.from)) {
      const pin = imagePinProblem(s.from);
      if (pin) problems.push(`stage ${s.name ?? '(final)'}: ${pin}`);
    }
    for (const i of s.instructions.filter((x) => x.op === 'COPY' && x.args.startsWith('--from='))) {
      const from = /^--from=(\S+)/.exec(i.args)?.[1] ?? '';
      if (!names.has(from)) problems.push(`stage ${s.name ?? '(final)'}: COPY --from=${from} names no stage`);
    }
  }
  // What the final stage holds: files copied from build stages (with their paths rebased) and its own.
  const finalDir = workdir(final, stages);
  const present = new Set<string>();
  for (const i of final.instructions.filter((x) => x.op === 'COPY' && x.args.startsWith('--from='))) {
    const [, from = '', src = '', dest = ''] = /^--from=(\S+)\s+(\S+)\s+(\S+)$/.exec(i.args) ?? [];
    const fromStage = stages.find((s) => s.name === from);
    if (!fromStage) continue;
    const target = posix.resolve(finalDir, dest);
    for (const f of builtFiles(fromStage, stages, o)) if (f === src || f.startsWith(`${src}/`)) present.add(posix.join(target, posix.relative(src, f)));
  }
  const user = final.instructions.filter((i) => i.op === 'USER').at(-1)?.args;
  if (!user || user === 'root' || user === '0') problems.push('the final stage runs as root: add USER');
  const entry = final.instructions.filter((i) => i.op === 'ENTRYPOINT').at(-1);
  const cmd = final.instructions.filter((i) => i.op === 'CMD').at(-1);
  const entryArgs = entry ? execForm(entry.args) : null;
  if (!entry) problems.push('the final stage has no ENTRYPOINT');
  else if (!entryArgs) problems.push('ENTRYPOINT is not in exec form (JSON list): signals would go to a shell, not to node');
  if (cmd && !execForm(cmd.args)) problems.push('CMD is not in exec form (JSON list)');
  for (const arg of entryArgs ?? []) {
    if (!/\.(js|cjs|mjs)$/.test(arg)) continue;
    if (!present.has(posix.resolve(finalDir, arg))) problems.push(`ENTRYPOINT runs ${arg}, which the build does not put in the final stage`);
  }
  for (const [k, v] of Object.entries(stageEnv(final))) {
    if (k.endsWith('_PATH') && v.startsWith('/') && !present.has(v)) problems.push(`ENV ${k}=${v} names a file the build does not put in the final stage`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// .dockerignore

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] as string;
    if (ch === '*' && glob[i + 1] === '*') {
      re += '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Whether the build context leaves `path` out: the last matching rule wins; a parent's exclusion covers children. */
export function dockerignored(patterns: string[], path: string): boolean {
  const rules = patterns.map((p) => p.trim()).filter((p) => p !== '' && !p.startsWith('#'));
  const segments = path.split('/');
  let ignored = false;
  for (const rule of rules) {
    const negate = rule.startsWith('!');
    const re = globToRegExp(posix.normalize(negate ? rule.slice(1) : rule).replace(/^\/|\/$/g, ''));
    if (segments.some((_s, i) => re.test(segments.slice(0, i + 1).join('/')))) ignored = !negate;
  }
  return ignored;
}

/** COPY sources the context must hold, and files that must never be in it. */
export function dockerignoreProblems(dockerignore: string, dockerfile: string, mustExclude: string[]): string[] {
  const patterns = dockerignore.split('\n');
  const { stages } = parseDockerfile(dockerfile);
  const sources = stages.flatMap((s) => s.instructions.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from')).flatMap((i) => i.args.split(/\s+/).slice(0, -1)));
  return [
    ...sources.filter((src) => dockerignored(patterns, src)).map((src) => `.dockerignore leaves out ${src}, which the Dockerfile copies`),
    ...mustExclude.filter((p) => !dockerignored(patterns, p)).map((p) => `.dockerignore lets ${p} into the build context`),
  ];
}
