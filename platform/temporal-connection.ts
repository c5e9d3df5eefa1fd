// The Temporal connection of every process (worker, trunkctl, signup receiver), loaded the way Temporal's own tools
// load it (@temporalio/envconfig): a trunkctl flag over an environment variable over the TOML profile over the
// project's defaults. Errors name the variable or file and the rule; keys and certificates are never printed.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { Connection, type TLSConfig } from '@temporalio/client';
import { loadClientConfigProfile, toClientOptions, type ClientConfigProfile, type ConfigDataSource } from '@temporalio/envconfig';
import { NativeConnection } from '@temporalio/worker';
import { IssueCollector } from '../domain/issues';
import { secretFromEnv } from './env-secret';

export interface TemporalConnectConfig {
  address: string;
  /** Where the address came from, for messages: `--address`, `TEMPORAL_ADDRESS`, the profile file, or the default. */
  addressSource: string;
  namespace: string;
  /** `true` for TLS with the system's roots (Temporal Cloud with an API key), an object for mTLS or a private CA. */
  tls?: TLSConfig | boolean;
  apiKey?: string;
  /** gRPC headers from TEMPORAL_GRPC_META_* or the profile's grpc_meta. */
  metadata?: Record<string, string>;
}

/** trunkctl's --address and --namespace flags: they win over everything else. */
export interface ConnectOverrides {
  address?: string;
  namespace?: string;
}

export const DEFAULT_TEMPORAL_ADDRESS = 'localhost:7233';
export const DEFAULT_TEMPORAL_NAMESPACE = 'default';

const ADDRESS = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})$/;
const NAMESPACE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;
const BOOLEAN = /^(1|0|true|false)$/;

const TLS_FIELDS = {
  clientCert: { env: 'TEMPORAL_TLS_CLIENT_CERT', toml: 'client_cert' },
  clientKey: { env: 'TEMPORAL_TLS_CLIENT_KEY', toml: 'client_key' },
  serverCACert: { env: 'TEMPORAL_TLS_SERVER_CA_CERT', toml: 'server_ca_cert' },
} as const;

/**
 * Reads TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY (or TEMPORAL_API_KEY_FILE), TEMPORAL_TLS, TEMPORAL_TLS_* (paths or data),
 * TEMPORAL_GRPC_META_*, and the profile TEMPORAL_PROFILE (default "default") of the TOML file TEMPORAL_CONFIG_FILE
 * (default ~/.config/temporalio/temporal.toml, skipped when absent). An empty variable counts as unset, as env files
 * write them. Throws InputValidationError listing every problem.
 */
export function loadTemporalConnectConfig(env: NodeJS.ProcessEnv = process.env, overrides: ConnectOverrides = {}): TemporalConnectConfig {
  const vars = setVariables(env);
  const c = new IssueCollector();
  // A mounted secret file, as for every other secret (platform/env-secret.ts): envconfig itself reads only the variable.
  const apiKey = secretFromEnv(vars, 'TEMPORAL_API_KEY', c);
  delete vars.TEMPORAL_API_KEY_FILE;
  if (apiKey !== undefined) vars.TEMPORAL_API_KEY = apiKey;
  const file = vars.TEMPORAL_CONFIG_FILE ?? defaultConfigFile(vars);
  const profileName = vars.TEMPORAL_PROFILE ?? 'default';
  const inFile = (key: string) => `${file} [profile.${profileName}] ${key}`;

  if (vars.TEMPORAL_CONFIG_FILE !== undefined) {
    // envconfig skips a missing file silently; one that was named must exist.
    const problem = unreadable(vars.TEMPORAL_CONFIG_FILE);
    if (problem) c.add('TEMPORAL_CONFIG_FILE', vars.TEMPORAL_CONFIG_FILE, `cannot be read: ${problem}`);
  }
  for (const name of ['TEMPORAL_TLS', 'TEMPORAL_TLS_DISABLE_HOST_VERIFICATION']) {
    const value = vars[name];
    // envconfig reads anything but 1/true as false: "yes" would silently turn TLS off.
    if (value !== undefined && !BOOLEAN.test(value)) c.add(name, value, 'must be true, false, 1 or 0');
  }
  if (vars.TEMPORAL_TLS_DISABLE_HOST_VERIFICATION === 'true' || vars.TEMPORAL_TLS_DISABLE_HOST_VERIFICATION === '1') {
    c.add('TEMPORAL_TLS_DISABLE_HOST_VERIFICATION', vars.TEMPORAL_TLS_DISABLE_HOST_VERIFICATION, 'is not supported by the TypeScript SDK; set TEMPORAL_TLS_SERVER_NAME to the name in the server certificate instead');
  }
  c.throwIfAny();

  let profile: ClientConfigProfile;
  try {
    profile = loadClientConfigProfile({ overrideEnvVars: vars, configFileStrict: true });
  } catch (err) {
    c.add(...profileProblem(err, file, profileName));
    c.throwIfAny();
    throw err;
  }
  const address = overrides.address ?? profile.address ?? DEFAULT_TEMPORAL_ADDRESS;
  const addressSource =
    overrides.address !== undefined
      ? '--address'
      : vars.TEMPORAL_ADDRESS !== undefined
        ? 'TEMPORAL_ADDRESS'
        : profile.address !== undefined
          ? inFile('address')
          : 'the default';
  const port = ADDRESS.exec(address)?.[2];
  if (port === undefined || Number(port) > 65535) c.add(addressSource, address, 'must be host:port, e.g. temporal:7233 or my-ns.a1b2c.tmprl.cloud:7233');

  const namespace = overrides.namespace ?? profile.namespace ?? DEFAULT_TEMPORAL_NAMESPACE;
  const namespaceSource = overrides.namespace !== undefined ? '--namespace' : vars.TEMPORAL_NAMESPACE !== undefined ? 'TEMPORAL_NAMESPACE' : inFile('namespace');
  if (!NAMESPACE.test(namespace)) c.add(namespaceSource, namespace, 'must be 1-255 of letters, digits and . _ -, starting with a letter or digit');

  const apiKeySource = vars.TEMPORAL_API_KEY !== undefined ? 'TEMPORAL_API_KEY' : inFile('api_key');
  if (profile.apiKey !== undefined && profile.apiKey.trim() === '') c.add(apiKeySource, '(blank)', 'must not be blank');
  if (profile.apiKey !== undefined && profile.tls?.disabled === true) {
    c.add(apiKeySource, '(set)', 'an API key travels with every request: it needs TLS, which TEMPORAL_TLS=false (or tls.disabled) turns off');
  }
  if (profile.apiKey !== undefined && Object.keys(profile.grpcMeta ?? {}).some((k) => k.toLowerCase() === 'authorization')) {
    c.add(apiKeySource, '(set)', 'give an API key or an authorization gRPC header (TEMPORAL_GRPC_META_AUTHORIZATION), not both');
  }

  const tls = profile.tls;
  if (tls && !tls.disabled) {
    const where = (field: keyof typeof TLS_FIELDS, source: ConfigDataSource): string => {
      const { env: envName, toml } = TLS_FIELDS[field];
      const kind = 'path' in source ? 'PATH' : 'DATA';
      return vars[`${envName}_${kind}`] !== undefined ? `${envName}_${kind}` : inFile(`tls.${toml}_${kind.toLowerCase()}`);
    };
    if ((tls.clientCert === undefined) !== (tls.clientKey === undefined)) {
      const given = tls.clientCert ? where('clientCert', tls.clientCert) : where('clientKey', tls.clientKey as ConfigDataSource);
      c.add(given, '(set)', 'mTLS needs both the client certificate and its private key');
    }
    for (const field of ['clientCert', 'clientKey', 'serverCACert'] as const) {
      const source = tls[field];
      if (source === undefined) continue;
      const problem = pemProblem(source, field === 'clientKey' ? 'key' : 'certificate');
      if (problem) c.add(where(field, source), 'path' in source ? source.path : '(data)', problem);
    }
  }
  c.throwIfAny();

  const { connectionOptions } = toClientOptions(profile);
  const config: TemporalConnectConfig = {
    address,
    addressSource,
    namespace,
    ...(connectionOptions.tls !== undefined && connectionOptions.tls !== null ? { tls: connectionOptions.tls } : {}),
    ...(profile.apiKey !== undefined ? { apiKey: profile.apiKey } : {}),
    ...(profile.grpcMeta && Object.keys(profile.grpcMeta).length > 0 ? { metadata: profile.grpcMeta } : {}),
  };
  // Whoever logs the config by mistake gets the description, not the key or certificates.
  Object.defineProperties(config, {
    toJSON: { value: () => describeTemporalConnection(config), enumerable: false },
    [inspect.custom]: { value: () => `TemporalConnectConfig(${describeTemporalConnection(config)})`, enumerable: false },
  });
  return config;
}

/** One line for a start-up log: where, which namespace, and how it authenticates; never a secret. */
export function describeTemporalConnection(config: TemporalConnectConfig): string {
  const parts = [`${config.address} namespace ${config.namespace}`];
  const tls = config.tls;
  if (tls === undefined || tls === false) parts.push(config.apiKey === undefined ? 'plaintext' : 'TLS');
  else {
    const details = typeof tls === 'object' ? [tls.clientCertPair ? 'mTLS client certificate' : '', tls.serverRootCACertificate ? 'private CA' : '', tls.serverNameOverride ? `server name ${tls.serverNameOverride}` : ''].filter(Boolean) : [];
    parts.push(details.length > 0 ? `TLS (${details.join(', ')})` : 'TLS');
  }
  if (config.apiKey !== undefined) parts.push('API key');
  if (config.metadata) parts.push(`gRPC headers ${Object.keys(config.metadata).join(', ')}`);
  return parts.join(', ');
}

/** Temporal did not answer at the configured address: the message says where that address came from, and what to do. */
export class TemporalUnreachableError extends Error {
  override readonly name = 'TemporalUnreachableError';
}

/** For @temporalio/client (trunkctl, the signup receiver). */
export function connectClientConnection(config: TemporalConnectConfig): Promise<Connection> {
  return reaching(config, () => Connection.connect({ ...connectionOptions(config), connectTimeout: CONNECT_TIMEOUT }));
}

/** For the worker. */
export function connectNativeConnection(config: TemporalConnectConfig): Promise<NativeConnection> {
  return reaching(config, () => NativeConnection.connect(connectionOptions(config)));
}

/** Long enough for a server across a continent, short enough that a typo in the address is not a long wait. */
const CONNECT_TIMEOUT = '5s';

async function reaching<T>(config: TemporalConnectConfig, connect: () => Promise<T>): Promise<T> {
  try {
    return await connect();
  } catch (err) {
    const raw = err instanceof Error ? err.message : String(err);
    // The native bridge reports `tonic::transport::Error(Transport, ConnectError(…))`; people need the gist.
    const reason = /refused/i.test(raw)
      ? 'the connection was refused (nothing listens there)'
      : /deadline|timed? ?out/i.test(raw)
        ? `no answer within ${CONNECT_TIMEOUT}`
        : /dns|resolve|ENOTFOUND|lookup/i.test(raw)
          ? 'the host name does not resolve'
          : raw.split('\n')[0];
    const from = config.addressSource === 'the default' ? 'the default; set TEMPORAL_ADDRESS or --address to change it' : `from ${config.addressSource}`;
    throw new TemporalUnreachableError(
      `cannot reach Temporal at ${config.address} (${from}): ${reason}. ` +
        'For a local server run `npx tsx scripts/dev-server.ts` (it listens on localhost:7233), or point TEMPORAL_ADDRESS at yours.',
    );
  }
}

function connectionOptions(config: TemporalConnectConfig) {
  return { address: config.address, tls: config.tls, apiKey: config.apiKey, metadata: config.metadata };
}

function setVariables(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
}

/** Where envconfig looks when TEMPORAL_CONFIG_FILE is unset (Linux layout; only used to name it in messages). */
function defaultConfigFile(vars: Record<string, string>): string {
  return join(vars.XDG_CONFIG_HOME ?? join(vars.HOME ?? homedir(), '.config'), 'temporalio', 'temporal.toml');
}

function unreadable(path: string): string | null {
  try {
    readFileSync(path);
    return null;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? 'error';
  }
}

/** envconfig's own messages may quote the file (smol-toml prints the offending line, which may hold a key). */
function profileProblem(err: unknown, file: string, profileName: string): [string, unknown, string] {
  const e = err as { message?: string; line?: number; column?: number; codeblock?: string; code?: string };
  if (e.codeblock !== undefined) return [file, '(file)', `is not valid TOML (line ${e.line ?? '?'}, column ${e.column ?? '?'})`];
  const message = e.message ?? '';
  if (/^Profile '.*' not found/.test(message)) return ['TEMPORAL_PROFILE', profileName, `no such profile in ${file}`];
  if (message.startsWith('Validation error:')) return [file, '(file)', message.slice('Validation error: '.length)];
  if (message.startsWith('Cannot specify both')) return [file, '(file)', message.replace(/^Cannot/, 'cannot')];
  if (e.code) return [file, '(file)', `cannot be read: ${e.code}`];
  return [file, '(file)', 'cannot be loaded'];
}

function pemProblem(source: ConfigDataSource, kind: 'certificate' | 'key'): string | null {
  let pem: Buffer;
  if ('path' in source) {
    try {
      pem = readFileSync(source.path);
    } catch (err) {
      return `cannot be read: ${(err as NodeJS.ErrnoException).code ?? 'error'}`;
    }
  } else {
    pem = Buffer.from(source.data);
  }
  try {
    if (kind === 'certificate') new X509Certificate(pem);
    else createPrivateKey(pem);
    return null;
  } catch {
    return kind === 'certificate' ? 'is not a PEM X.509 certificate' : 'is not a PEM private key';
  }
}
