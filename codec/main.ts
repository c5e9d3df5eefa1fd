// `codec-server`: run the codec server from the command line until SIGINT/SIGTERM.
// Secrets come from the environment only (flags show up in `ps`), and are never printed.
import { parseArgs } from 'node:util';
import { InputValidationError, IssueCollector } from '../domain/issues';
import { describeKeyring, loadKeyring } from './keyring';
import {
  authTokenRule,
  DEFAULT_CODEC_SERVER_PORT,
  DEFAULT_UI_ORIGIN,
  originRule,
  startCodecServer,
  type CodecServerOptions,
} from './server';

const USAGE = `Usage: codec-server [--port ${DEFAULT_CODEC_SERVER_PORT}] [--host 127.0.0.1] [--ui-origin ${DEFAULT_UI_ORIGIN}]

Decrypts (and encrypts) payloads for the Temporal UI and CLI. POST /decode, POST /encode, GET /health.

Options:
  --port <port>        port to listen on (default ${DEFAULT_CODEC_SERVER_PORT}; 0 = any free port)
  --host <host>        interface to listen on (default 127.0.0.1)
  --ui-origin <origin> the Temporal UI's origin, the only one browsers may call from (default ${DEFAULT_UI_ORIGIN})
  --help               show this help

Environment:
  TRUNK_CODEC_SERVER_TOKEN   required: callers send "Authorization: Bearer <token>" or use the endpoint .../<token>
  TRUNK_CODEC_KEYS or TRUNK_CODEC_KEYS_FILE, TRUNK_CODEC_KEY_ID   the keys, as for the worker (docs/encryption.md)
`;

class UsageError extends Error {}

const invalid = (flag: string, value: string, rule: string): UsageError => new UsageError(`${flag} ${JSON.stringify(value)} is invalid: ${rule}`);

/** Options from argv and the environment, or 'help'; throws naming the flag or variable, the value and the rule. */
export function parseCodecServerArgs(argv: string[], env: NodeJS.ProcessEnv): CodecServerOptions | 'help' {
  let values: { port?: string; host?: string; 'ui-origin'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { port: { type: 'string' }, host: { type: 'string' }, 'ui-origin': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (values.help) return 'help';

  const port = values.port ?? String(DEFAULT_CODEC_SERVER_PORT);
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) throw invalid('--port', port, 'must be an integer 0–65535');
  const host = values.host ?? '127.0.0.1';
  if (host === '') throw invalid('--host', host, 'give a host name or address');
  const allowedOrigin = values['ui-origin'] ?? DEFAULT_UI_ORIGIN;
  const originProblem = originRule(allowedOrigin);
  if (originProblem) throw invalid('--ui-origin', allowedOrigin, originProblem);

  const c = new IssueCollector();
  const authToken = env.TRUNK_CODEC_SERVER_TOKEN ?? '';
  if (authToken === '') c.add('TRUNK_CODEC_SERVER_TOKEN', undefined, 'is not set; it is required: the token callers must present');
  else {
    const tokenProblem = authTokenRule(authToken);
    if (tokenProblem) c.add('TRUNK_CODEC_SERVER_TOKEN', authToken, tokenProblem);
  }
  const keyring = loadKeyring(env);
  if (!keyring) c.add('TRUNK_CODEC_KEYS', undefined, 'is required (or TRUNK_CODEC_KEYS_FILE): the keys payloads were encrypted with');
  c.throwIfAny();
  return { host, port: Number(port), allowedOrigin, authToken, keyring: keyring as NonNullable<typeof keyring> };
}

function banner(url: string, options: CodecServerOptions): string {
  const lines = [
    'Temporal codec server',
    `  url:          ${url}   (POST /decode, POST /encode, GET /health)`,
    `  keys:         ${describeKeyring(options.keyring)}`,
    `  UI origin:    ${options.allowedOrigin}`,
    `  Temporal UI:  codec endpoint ${url}/<TRUNK_CODEC_SERVER_TOKEN>`,
    `  temporal CLI: --codec-endpoint ${url} --codec-auth "Bearer $TRUNK_CODEC_SERVER_TOKEN"`,
    'Stop with Ctrl-C.',
  ];
  return `${lines.join('\n')}\n`;
}

/** Runs until SIGINT or SIGTERM. Bad flags or configuration print the rule they broke and set exit code 2. */
export async function runCodecServerCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let options: CodecServerOptions | 'help';
  try {
    options = parseCodecServerArgs(argv, env);
  } catch (err) {
    if (!(err instanceof UsageError || err instanceof InputValidationError)) throw err;
    process.stderr.write(`codec-server: ${err.message}\nRun "codec-server --help" for usage.\n`);
    process.exitCode = 2;
    return;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const server = await startCodecServer({ ...options, log: (message) => process.stderr.write(`codec-server: ${message}\n`) });
  process.stdout.write(banner(server.url, options));
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  process.stdout.write('codec server stopped\n');
}

if (require.main === module) {
  runCodecServerCli(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`codec-server: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
