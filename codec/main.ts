// `codec-server`: run the codec server from the command line until SIGINT/SIGTERM.
// Secrets come from the environment only (flags show up in `ps`), and are never printed.
import { secretFromEnv } from '../platform/env-secret';
import { Command, CommanderError } from '@commander-js/extra-typings';
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

const EXAMPLES = `
Environment:
  TRUNK_CODEC_SERVER_TOKEN   required (or TRUNK_CODEC_SERVER_TOKEN_FILE, a file holding it): callers send
                             "Authorization: Bearer <token>" or use the endpoint .../<token>
  TRUNK_CODEC_KEYS or TRUNK_CODEC_KEYS_FILE, TRUNK_CODEC_KEY_ID   the keys, as for the worker (docs/encryption.md)

Examples:
  export TRUNK_CODEC_SERVER_TOKEN="$(openssl rand -base64 32)" TRUNK_CODEC_KEYS_FILE=/etc/trunk/codec-keys.json
  trunkctl codec-server                                   http://127.0.0.1:${DEFAULT_CODEC_SERVER_PORT}, for the UI at ${DEFAULT_UI_ORIGIN}
  trunkctl codec-server --port 0                          any free port
  trunkctl codec-server --host 0.0.0.0 --ui-origin https://temporal.example.com

Exit codes: 0 stopped (Ctrl-C, SIGTERM) or help shown, 1 could not run (the port is taken, say), 2 bad usage or
configuration.
`;

class UsageError extends Error {}

const invalid = (flag: string, value: string, rule: string): UsageError => new UsageError(`${flag} ${JSON.stringify(value)} is invalid: ${rule}`);

function codecServerCommand() {
  return new Command('trunkctl codec-server')
    .description('Decrypts (and encrypts) payloads for the Temporal UI and CLI. POST /decode, POST /encode, GET /health.')
    .helpOption('-h, --help', 'show this help')
    .option('--port <port>', `port to listen on (default ${DEFAULT_CODEC_SERVER_PORT}; 0 = any free port)`)
    .option('--host <host>', 'interface to listen on (default 127.0.0.1)')
    .option('--ui-origin <origin>', `the Temporal UI's origin, the only one browsers may call from (default ${DEFAULT_UI_ORIGIN})`)
    .addHelpText('after', EXAMPLES);
}

/** Commander's option errors in the words scripts already match on; an unknown option also names the nearest one. */
function usageError(error: CommanderError, words: string[]): UsageError {
  if (error.code === 'commander.excessArguments') return new UsageError(`Unexpected argument ${JSON.stringify(words[0])}: give options only`);
  const text = error.message.replace(/^error: /, '').replace(/\n/g, ' ');
  if (error.code === 'commander.optionMissingArgument') return new UsageError(text.replace(/^option '(--[\w-]+) <[^>]*>'/, "Option '$1 <value>'"));
  return new UsageError(text.charAt(0).toUpperCase() + text.slice(1));
}

/** Options from argv and the environment, or 'help'; throws naming the flag or variable, the value and the rule. */
export function parseCodecServerArgs(argv: string[], env: NodeJS.ProcessEnv): CodecServerOptions | 'help' {
  const command = codecServerCommand()
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} });
  try {
    command.parse(argv, { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.code === 'commander.helpDisplayed') return 'help';
    throw usageError(error, command.args);
  }
  const values = command.opts();

  const port = values.port ?? String(DEFAULT_CODEC_SERVER_PORT);
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) throw invalid('--port', port, 'must be an integer 0–65535');
  const host = values.host ?? '127.0.0.1';
  if (host === '') throw invalid('--host', host, 'give a host name or address');
  const allowedOrigin = values.uiOrigin ?? DEFAULT_UI_ORIGIN;
  const originProblem = originRule(allowedOrigin);
  if (originProblem) throw invalid('--ui-origin', allowedOrigin, originProblem);

  const c = new IssueCollector();
  const authToken = secretFromEnv(env, 'TRUNK_CODEC_SERVER_TOKEN', c) ?? '';
  if (authToken === '') {
    if (c.issues.length === 0) c.add('TRUNK_CODEC_SERVER_TOKEN', undefined, 'is not set; it is required (or TRUNK_CODEC_SERVER_TOKEN_FILE): the token callers must present');
  } else {
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
    process.stderr.write(`trunkctl codec-server: ${err.message}\nRun "trunkctl codec-server --help" for usage.\n`);
    process.exitCode = 2;
    return;
  }
  if (options === 'help') {
    codecServerCommand().outputHelp();
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
    process.stderr.write(`trunkctl codec-server: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
