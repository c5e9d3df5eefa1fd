// The Temporal connection every process loads: environment, TOML profiles (mTLS), API keys, precedence, errors
// that name the variable or file and never the secret, and a real connection to the test server.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputValidationError } from '../../domain/issues';
import {
  connectClientConnection,
  connectNativeConnection,
  describeTemporalConnection,
  loadTemporalConnectConfig,
} from '../../platform/temporal-connection';
import { temporalAddress, temporalNamespace } from '../support/temporal';

const API_KEY = 'tmprl-api-key-that-must-never-be-printed-0123456789';
let dir: string;
let home: string;
let certPath: string;
let keyPath: string;
let caPath: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'temporal-connection-'));
  // An empty HOME, so the developer's own ~/.config/temporalio/temporal.toml never leaks into a test.
  home = join(dir, 'home');
  mkdirSync(home);
  certPath = join(dir, 'client.pem');
  keyPath = join(dir, 'client.key');
  caPath = join(dir, 'ca.pem');
  const selfSigned = (cert: string, key: string, cn: string) =>
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', `/CN=${cn}`], { stdio: 'ignore' });
  selfSigned(certPath, keyPath, 'trunk-worker');
  selfSigned(caPath, join(dir, 'ca.key'), 'trunk-test-ca');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const load = (env: Record<string, string>, overrides = {}) => loadTemporalConnectConfig({ HOME: home, ...env }, overrides);

function toml(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function failure(env: Record<string, string>): InputValidationError {
  try {
    load(env);
  } catch (err) {
    expect(err).toBeInstanceOf(InputValidationError);
    return err as InputValidationError;
  }
  throw new Error('expected the configuration to be refused');
}

describe('from the environment', () => {
  it('defaults to the local dev server', () => {
    expect(load({})).toEqual({ address: 'localhost:7233', addressSource: 'the default', namespace: 'default' });
  });

  it('reads address and namespace, and plaintext stays plaintext', () => {
    const config = load({ TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_NAMESPACE: 'trunks' });
    expect(config).toEqual({ address: 'temporal:7233', addressSource: 'TEMPORAL_ADDRESS', namespace: 'trunks' });
    expect(describeTemporalConnection(config)).toBe('temporal:7233 namespace trunks, plaintext');
  });

  it('treats an empty variable as unset, as env files write them', () => {
    // An empty TEMPORAL_API_KEY must not switch TLS on against a plaintext server.
    expect(load({ TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_API_KEY: '', TEMPORAL_TLS: '', TEMPORAL_CONFIG_FILE: '' })).toEqual({
      address: 'temporal:7233',
      addressSource: 'TEMPORAL_ADDRESS',
      namespace: 'default',
    });
  });

  it('takes mTLS material as paths or inline data, and gRPC headers', () => {
    const config = load({
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_TLS_CLIENT_CERT_PATH: certPath,
      TEMPORAL_TLS_CLIENT_KEY_DATA: readFileSync(keyPath, 'utf8'),
      TEMPORAL_GRPC_META_X_TENANT: 'trunks',
    });
    expect(config.tls).toMatchObject({ clientCertPair: { crt: Uint8Array.from(readFileSync(certPath)), key: Uint8Array.from(readFileSync(keyPath)) } });
    expect(config.metadata).toEqual({ 'x-tenant': 'trunks' });
  });
});

describe('Temporal Cloud with an API key', () => {
  const cloud = { TEMPORAL_ADDRESS: 'trunks.a1b2c.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'trunks.a1b2c', TEMPORAL_API_KEY: API_KEY };

  it('turns TLS on (system roots) and carries the key', () => {
    expect(load(cloud)).toEqual({ address: 'trunks.a1b2c.tmprl.cloud:7233', addressSource: 'TEMPORAL_ADDRESS', namespace: 'trunks.a1b2c', tls: true, apiKey: API_KEY });
  });

  it('reads the key from TEMPORAL_API_KEY_FILE (a mounted secret), and refuses both at once', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'api-key-')), 'key');
    writeFileSync(file, `${API_KEY}\n`);
    const { TEMPORAL_API_KEY: _, ...withoutKey } = cloud;
    expect(load({ ...withoutKey, TEMPORAL_API_KEY_FILE: file })).toMatchObject({ tls: true, apiKey: API_KEY });
    expect(() => load({ ...cloud, TEMPORAL_API_KEY_FILE: file })).toThrow(/TEMPORAL_API_KEY = "\*\*\*": set TEMPORAL_API_KEY or TEMPORAL_API_KEY_FILE, not both/);
  });

  it('never shows the key when described, logged or serialised', () => {
    const config = load(cloud);
    for (const shown of [describeTemporalConnection(config), JSON.stringify(config), inspect(config), `${inspect({ config })}`]) {
      expect(shown).not.toContain(API_KEY);
      expect(shown).toContain('trunks.a1b2c.tmprl.cloud:7233');
    }
    expect(describeTemporalConnection(config)).toBe('trunks.a1b2c.tmprl.cloud:7233 namespace trunks.a1b2c, TLS, API key');
  });

  it('refuses a key over plaintext, and a key next to an authorization header', () => {
    const plaintext = failure({ ...cloud, TEMPORAL_TLS: 'false' });
    expect(plaintext.message).toContain('TEMPORAL_API_KEY');
    expect(plaintext.message).toContain('needs TLS');
    const both = failure({ ...cloud, TEMPORAL_GRPC_META_AUTHORIZATION: `Bearer ${API_KEY}` });
    expect(both.message).toContain('not both');
    for (const err of [plaintext, both]) expect(err.message).not.toContain(API_KEY);
  });
});

describe('from a TOML profile file', () => {
  const profiles = () =>
    toml(
      'temporal.toml',
      `[profile.default]
address = "file-default:7233"
namespace = "from-file"

[profile.prod]
address = "prod.temporal.internal:7233"
namespace = "prod-trunks"

[profile.prod.tls]
client_cert_path = "${certPath}"
client_key_path = "${keyPath}"
server_ca_cert_path = "${caPath}"
server_name = "temporal.internal"

[profile.prod.grpc_meta]
x-team = "voice"
`,
    );

  it('loads the profile TEMPORAL_PROFILE names, with mTLS from paths', () => {
    const config = load({ TEMPORAL_CONFIG_FILE: profiles(), TEMPORAL_PROFILE: 'prod' });
    expect(config.address).toBe('prod.temporal.internal:7233');
    expect(config.namespace).toBe('prod-trunks');
    expect(config.tls).toEqual({
      serverNameOverride: 'temporal.internal',
      serverRootCACertificate: Uint8Array.from(readFileSync(caPath)),
      clientCertPair: { crt: Uint8Array.from(readFileSync(certPath)), key: Uint8Array.from(readFileSync(keyPath)) },
    });
    expect(config.metadata).toEqual({ 'x-team': 'voice' });
    const described = describeTemporalConnection(config);
    expect(described).toBe('prod.temporal.internal:7233 namespace prod-trunks, TLS (mTLS client certificate, private CA, server name temporal.internal), gRPC headers x-team');
    expect(JSON.stringify(config)).not.toContain('PRIVATE KEY');
    expect(inspect(config)).not.toContain('PRIVATE KEY');
  });

  it('uses the default profile without TEMPORAL_PROFILE, and the default file location without TEMPORAL_CONFIG_FILE', () => {
    expect(load({ TEMPORAL_CONFIG_FILE: profiles() })).toMatchObject({ address: 'file-default:7233', addressSource: expect.stringMatching(/\[profile\.default\] address$/) as string, namespace: 'from-file' });
    const xdg = join(dir, 'xdg');
    mkdirSync(join(xdg, 'temporalio'), { recursive: true });
    writeFileSync(join(xdg, 'temporalio', 'temporal.toml'), '[profile.default]\naddress = "xdg-host:7233"\n');
    expect(load({ XDG_CONFIG_HOME: xdg })).toEqual({ address: 'xdg-host:7233', addressSource: `${join(xdg, 'temporalio', 'temporal.toml')} [profile.default] address`, namespace: 'default' });
  });

  it('precedence: a trunkctl flag over the environment over the file over the defaults', () => {
    const file = profiles();
    expect(load({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_ADDRESS: 'env-host:7233' })).toEqual({ address: 'env-host:7233', addressSource: 'TEMPORAL_ADDRESS', namespace: 'from-file' });
    expect(load({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_ADDRESS: 'env-host:7233', TEMPORAL_NAMESPACE: 'env-ns' }, { address: 'flag-host:7233' })).toEqual({
      address: 'flag-host:7233',
      addressSource: '--address',
      namespace: 'env-ns',
    });
    // TLS settings merge: the environment overrides one field and keeps the file's others.
    const merged = load({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'prod', TEMPORAL_TLS_SERVER_NAME: 'override.internal' });
    expect(merged.tls).toMatchObject({ serverNameOverride: 'override.internal', clientCertPair: { crt: expect.any(Uint8Array) as unknown } });
    // TEMPORAL_TLS=false switches off the file's TLS.
    expect(load({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'prod', TEMPORAL_TLS: 'false' }).tls).toBe(false);
  });
});

describe('bad input', () => {
  it('names a TEMPORAL_CONFIG_FILE that does not exist', () => {
    const err = failure({ TEMPORAL_CONFIG_FILE: join(dir, 'missing.toml') });
    expect(err.message).toContain('TEMPORAL_CONFIG_FILE');
    expect(err.message).toContain('ENOENT');
  });

  it('reports a TOML syntax error by line without quoting the file', () => {
    const file = toml('broken.toml', `[profile.default]\napi_key = "${API_KEY}\naddress = "x:1"\n`);
    const err = failure({ TEMPORAL_CONFIG_FILE: file });
    expect(err.message).toMatch(/broken\.toml.*is not valid TOML \(line \d+, column \d+\)/);
    expect(err.message).not.toContain(API_KEY);
  });

  it('names an unknown profile and unknown keys', () => {
    const file = toml('typo.toml', '[profile.default]\nadress = "x:7233"\n');
    expect(failure({ TEMPORAL_CONFIG_FILE: file }).message).toContain('unrecognized in profile.default: adress');
    const good = toml('good.toml', '[profile.default]\naddress = "x:7233"\n');
    expect(failure({ TEMPORAL_CONFIG_FILE: good, TEMPORAL_PROFILE: 'staging' }).message).toMatch(/TEMPORAL_PROFILE = "staging": no such profile in .*good\.toml/);
  });

  it('refuses half an mTLS pair, unreadable files and files that are not PEM', () => {
    expect(failure({ TEMPORAL_TLS_CLIENT_CERT_PATH: certPath }).message).toContain('TEMPORAL_TLS_CLIENT_CERT_PATH = "(set)": mTLS needs both');
    const missing = join(dir, 'nope.pem');
    expect(failure({ TEMPORAL_TLS_CLIENT_CERT_PATH: missing, TEMPORAL_TLS_CLIENT_KEY_PATH: keyPath }).message).toContain(
      `TEMPORAL_TLS_CLIENT_CERT_PATH = "${missing}": cannot be read: ENOENT`,
    );
    const notPem = toml('not.pem', 'hello');
    const err = failure({ TEMPORAL_TLS_CLIENT_CERT_PATH: keyPath, TEMPORAL_TLS_CLIENT_KEY_PATH: notPem, TEMPORAL_TLS_SERVER_CA_CERT_DATA: 'garbage' });
    expect(err.message).toContain('TEMPORAL_TLS_CLIENT_CERT_PATH');
    expect(err.message).toContain('is not a PEM X.509 certificate');
    expect(err.message).toContain(`TEMPORAL_TLS_CLIENT_KEY_PATH = "${notPem}": is not a PEM private key`);
    expect(err.message).toContain('TEMPORAL_TLS_SERVER_CA_CERT_DATA = "(data)": is not a PEM X.509 certificate');
    expect(err.message).not.toContain(readFileSync(keyPath, 'utf8').split('\n')[1]);
    // In a file, the message names the file, profile and key.
    const file = toml('half.toml', `[profile.default.tls]\nclient_key_path = "${keyPath}"\n`);
    expect(failure({ TEMPORAL_CONFIG_FILE: file }).message).toMatch(/half\.toml \[profile\.default\] tls\.client_key_path = "\(set\)": mTLS needs both/);
  });

  it('names bad addresses, namespaces and booleans, all at once', () => {
    const err = failure({ TEMPORAL_ADDRESS: 'temporal', TEMPORAL_NAMESPACE: 'has space', TEMPORAL_TLS: 'yes' });
    // Booleans are checked first: a "yes" silently turning TLS off is the worst of these.
    expect(err.message).toContain('TEMPORAL_TLS = "yes": must be true, false, 1 or 0');
    const rest = failure({ TEMPORAL_ADDRESS: 'temporal', TEMPORAL_NAMESPACE: 'has space' });
    expect(rest.issues.map((i) => i.field)).toEqual(['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE']);
    expect(failure({ TEMPORAL_ADDRESS: 'temporal:99999' }).message).toContain('must be host:port');
    expect(() => load({}, { address: 'nope' })).toThrow(/--address = "nope"/);
  });

  it('refuses TEMPORAL_TLS_DISABLE_HOST_VERIFICATION, which the TypeScript SDK cannot honour', () => {
    expect(failure({ TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: 'true' }).message).toContain('TEMPORAL_TLS_SERVER_NAME');
  });
});

describe('a real connection to the test server', () => {
  it('connects a client and a native (worker) connection with the loaded config', async () => {
    const config = load({ TEMPORAL_ADDRESS: temporalAddress(), TEMPORAL_NAMESPACE: temporalNamespace() });
    const connection = await connectClientConnection(config);
    try {
      const client = new Client({ connection, namespace: config.namespace });
      const { namespaceInfo } = await client.workflowService.describeNamespace({ namespace: config.namespace });
      expect(namespaceInfo?.name).toBe(temporalNamespace());
    } finally {
      await connection.close();
    }
    const native = await connectNativeConnection(config);
    await native.close();
  });

  it('fails to connect to a port nobody listens on', async () => {
    const config = load({ TEMPORAL_ADDRESS: '127.0.0.1:1' });
    await expect(connectNativeConnection(config)).rejects.toThrow();
  });
});
