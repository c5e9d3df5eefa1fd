// `trunkctl simulator`: run the simulator from the command line until SIGINT/SIGTERM.

import { readFileSync } from 'node:fs';
import { Command, CommanderError } from '@commander-js/extra-typings';
import { SimulatorAdmin } from './admin-client';
import { REGION_HOSTS } from './auth';
import { DEMO_ACCOUNT } from './demo-account';
import { MAX_FAULT_PATH_LENGTH, parseFaultSpec } from './faults';
import { LOOPBACK_HOSTS, SimulatorOptionError } from './options';
import { DEFAULT_RATE_LIMIT, formatWindow } from './rate-limit';
import { startSimulator } from './server';
import type { FaultSpec, RateLimitConfig, RunningSimulator, SimulatorAccount, SimulatorOptions } from './types';

const DEFAULT_PORT = 4010;

const EXAMPLES = `
Examples:
  trunkctl simulator                                   the demo account on http://127.0.0.1:${DEFAULT_PORT}
  trunkctl simulator --port 0 --seed 42                any free port; the same ids every run
  trunkctl simulator --account acme:acme_key:acme_token:in --rate-limit 200/6s
  trunkctl simulator --fault '{"kind":"commit-then-fail","method":"POST","path":"/phone-numbers$"}'
  trunkctl simulator --host 0.0.0.0 --admin-token-file /run/secrets/simulator-admin-token

Fault paths are regular expressions of bounded cost: at most ${MAX_FAULT_PATH_LENGTH} characters; no backreference
or lookaround; quantifiers only on one character or [class], at most one, and then no "|" (simulator/README.md).
/_admin answers only to its own address and loopback names, never to another web origin. Beyond loopback
(--host other than ${LOOPBACK_HOSTS.join(', ')}) it needs a token: --admin-token-file <path>,
SIMULATOR_ADMIN_TOKEN_FILE, or --admin-token <token> (which shows in ps).
Exit codes: 0 stopped (Ctrl-C, SIGTERM) or help shown, 1 could not run (the port is taken, say), 2 bad usage.
`;

class UsageError extends Error {}

const invalid = (flag: string, value: string, rule: string): UsageError =>
  new UsageError(`${flag} ${JSON.stringify(value)} is invalid: ${rule}`);

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function simulatorCommand() {
  return new Command('trunkctl simulator')
    .description("Runs a local simulator of Exotel's v2 SIP-trunk API (base path /v2/accounts/{account_sid}).")
    .helpOption('-h, --help', 'show this help')
    .option('--host <host>', 'interface to listen on (default 127.0.0.1; any other needs an admin token)')
    .option('--port <port>', `port to listen on (default ${DEFAULT_PORT}; 0 = any free port)`)
    .option(
      '--account <sid:key:token:region>',
      `an account to serve, region "in" or "sg"; repeatable (default ${DEMO_ACCOUNT.sid}:${DEMO_ACCOUNT.apiKey}:<demo token>:${DEMO_ACCOUNT.region})`,
      collect,
    )
    .option('--rate-limit <N/window>', 'per-account limit, e.g. 200/60s (default), 200/6s, 200/500ms, or off')
    .option('--state-file <path>', 'keep trunks in this JSON file across restarts')
    .option(
      '--delete-style <style>',
      'how DELETE names the id of phone-numbers, whitelisted-ips and destination-uris: query ?id= (default) or path /{id}',
    )
    .option('--number-scope <scope>', 'refuse (account, default) or allow (trunk) a number on two trunks')
    .option('--admin-token <token>', 'require "Authorization: Bearer <token>" on /_admin (shows in ps: prefer the file)')
    .option('--admin-token-file <path>', 'the same, with the token read from this file (or SIMULATOR_ADMIN_TOKEN_FILE)')
    .option('--fault <json>', `inject a fault (a FaultSpec), e.g. '{"kind":"status","status":503,"path":"/trunks$"}'; repeatable`, collect)
    .option('--seed <integer>', 'seed ids and probabilistic faults for reproducible runs')
    .addHelpText('after', EXAMPLES);
}

/** Commander's option errors in this CLI's words: the flag, and the nearest known one for a typo. */
function usageError(error: CommanderError, words: string[]): UsageError {
  if (error.code === 'commander.excessArguments') return new UsageError(`unexpected argument ${JSON.stringify(words[0])}: give options only`);
  const text = error.message.replace(/^error: /, '').replace(/\n/g, ' ');
  if (error.code === 'commander.unknownOption') {
    return new UsageError(text.replace(/^unknown option '(.*?)'/, (_, flag: string) => `unknown option ${JSON.stringify(flag)}`));
  }
  if (error.code === 'commander.optionMissingArgument') return new UsageError(`${/'(--[\w-]+)/.exec(text)?.[1] ?? 'an option'} needs a value`);
  return new UsageError(text);
}

function parseAccount(value: string): SimulatorAccount {
  const parts = value.split(':');
  const rule = 'use sid:key:token:region with region "in" or "sg"';
  if (parts.length < 4) throw invalid('--account', value, rule);
  const [sid = '', apiKey = ''] = parts;
  const region = parts[parts.length - 1];
  const apiToken = parts.slice(2, -1).join(':');
  if (!sid || !apiKey || !apiToken || (region !== 'in' && region !== 'sg')) throw invalid('--account', value, rule);
  return { sid, apiKey, apiToken, region };
}

const WINDOW_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000 };

function parseRateLimit(value: string): RateLimitConfig | false {
  if (value === 'off') return false;
  const match = /^(\d+)\/(\d*)(ms|s|min|m)$/.exec(value);
  const limit = Number(match?.[1]);
  const windowMs = Number(match?.[2] || 1) * (WINDOW_UNITS[match?.[3] ?? ''] ?? NaN);
  if (!match || limit < 1 || !(windowMs >= 1)) {
    throw invalid('--rate-limit', value, 'use <requests>/<window> such as 200/60s, 200/6s, 200/500ms or 100/1m, or "off"');
  }
  return { limit, windowMs };
}

/** The token in a file (a secret mounted by Compose, say); surrounding whitespace, such as the last newline, is not part of it. */
function readTokenFile(source: string, path: string): string {
  if (!path) throw invalid(source, path, 'give a file path');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw invalid(source, path, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const token = text.trim();
  if (!token) throw invalid(source, path, 'the file is empty: put the admin token in it');
  return token;
}

export interface CliCommand {
  help: boolean;
  options: SimulatorOptions;
  /** Installed through the admin API once the server listens: the one way faults get in. */
  faults: FaultSpec[];
}

/**
 * Turns argv (the words after `simulator`) and SIMULATOR_ADMIN_TOKEN_FILE into options; throws a UsageError naming
 * the flag, value and rule.
 */
export function parseSimulatorArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): CliCommand {
  const command = simulatorCommand()
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} });
  try {
    command.parse(argv, { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.code === 'commander.helpDisplayed') return { help: true, options: { accounts: [DEMO_ACCOUNT], port: DEFAULT_PORT }, faults: [] };
    throw usageError(error, command.args);
  }
  const flags = command.opts();
  const options: SimulatorOptions = { accounts: (flags.account ?? []).map(parseAccount), port: DEFAULT_PORT };
  if (flags.host !== undefined) {
    if (!flags.host) throw invalid('--host', flags.host, 'give a host name or address');
    options.host = flags.host;
  }
  if (flags.port !== undefined) {
    if (!/^\d{1,5}$/.test(flags.port) || Number(flags.port) > 65535) throw invalid('--port', flags.port, 'must be an integer 0–65535');
    options.port = Number(flags.port);
  }
  if (flags.rateLimit !== undefined) options.rateLimit = parseRateLimit(flags.rateLimit);
  if (flags.stateFile !== undefined) {
    if (!flags.stateFile) throw invalid('--state-file', flags.stateFile, 'give a file path');
    options.stateFile = flags.stateFile;
  }
  if (flags.deleteStyle !== undefined) {
    if (flags.deleteStyle !== 'query' && flags.deleteStyle !== 'path') throw invalid('--delete-style', flags.deleteStyle, 'must be "query" or "path"');
    options.deleteStyle = flags.deleteStyle;
  }
  if (flags.numberScope !== undefined) {
    if (flags.numberScope !== 'account' && flags.numberScope !== 'trunk') throw invalid('--number-scope', flags.numberScope, 'must be "account" or "trunk"');
    options.numberScope = flags.numberScope;
  }
  if (flags.adminToken !== undefined && flags.adminTokenFile !== undefined) {
    throw new UsageError('--admin-token and --admin-token-file are both given: give one');
  }
  if (flags.adminToken !== undefined) {
    if (!flags.adminToken) throw invalid('--admin-token', flags.adminToken, 'must be non-empty');
    options.adminToken = flags.adminToken;
  } else if (flags.adminTokenFile !== undefined) {
    options.adminToken = readTokenFile('--admin-token-file', flags.adminTokenFile);
  } else if (env.SIMULATOR_ADMIN_TOKEN_FILE) {
    options.adminToken = readTokenFile('SIMULATOR_ADMIN_TOKEN_FILE', env.SIMULATOR_ADMIN_TOKEN_FILE);
  }
  if (options.host !== undefined && !LOOPBACK_HOSTS.includes(options.host) && options.adminToken === undefined) {
    throw invalid(
      '--host',
      options.host,
      `beyond loopback (${LOOPBACK_HOSTS.join(', ')}) /_admin needs a token, or anyone who reaches the port could reset ` +
        'the simulator or inject faults: give --admin-token-file <path> (or SIMULATOR_ADMIN_TOKEN_FILE, or --admin-token <token>)',
    );
  }
  const faults = (flags.fault ?? []).map((value) => {
    try {
      return parseFaultSpec(JSON.parse(value));
    } catch (error) {
      throw invalid('--fault', value, error instanceof Error ? error.message : String(error));
    }
  });
  if (flags.seed !== undefined) {
    if (!/^-?\d+$/.test(flags.seed) || !Number.isSafeInteger(Number(flags.seed))) throw invalid('--seed', flags.seed, 'must be an integer');
    options.seed = Number(flags.seed);
  }
  if (options.accounts.length === 0) options.accounts.push(DEMO_ACCOUNT);
  return { help: false, options, faults };
}

function banner(url: string, options: SimulatorOptions, faultCount: number): string {
  const rate = options.rateLimit ?? DEFAULT_RATE_LIMIT;
  const lines = [
    'Exotel SIP-trunk API simulator',
    `  url:          ${url}/v2/accounts/{account_sid}`,
    '  accounts:',
    ...options.accounts.map(
      (a) => `    ${a.sid}   key: ${a.apiKey}   token: set   region: ${a.region} (Host ${REGION_HOSTS[a.region]} or any local host)`,
    ),
    `  rate limit:   ${rate === false ? 'off' : `${rate.limit} requests per ${formatWindow(rate.windowMs)} per account`}`,
    `  delete ids:   ${options.deleteStyle === 'path' ? 'path /{id} (trunks and credentials: ?query)' : 'query ?id='}`,
    `  state file:   ${options.stateFile ?? 'none (in memory)'}`,
    `  faults:       ${faultCount === 0 ? 'none' : `${faultCount} installed (GET ${url}/_admin/faults)`}`,
    `  admin:        ${url}/_admin${options.adminToken === undefined ? '' : ' (Bearer token required)'}`,
    'Stop with Ctrl-C.',
  ];
  return `${lines.join('\n')}\n`;
}

/** Runs until SIGINT or SIGTERM. Bad flags print the rule they broke and set exit code 2; a failed start, 1. */
export async function runSimulatorCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let command: CliCommand;
  try {
    command = parseSimulatorArgs(argv, env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`trunkctl simulator: ${error.message}\nRun "trunkctl simulator --help" for usage.\n`);
    process.exitCode = 2;
    return;
  }
  if (command.help) {
    simulatorCommand().outputHelp();
    return;
  }
  const { options, faults } = command;
  let simulator: RunningSimulator;
  try {
    simulator = await startSimulator(options);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`trunkctl simulator: ${message}\n`);
    process.exitCode = error instanceof SimulatorOptionError ? 2 : 1;
    return;
  }
  const admin = new SimulatorAdmin(simulator.url, options.adminToken);
  try {
    for (const fault of faults) await admin.addFault(fault);
  } catch (error) {
    await simulator.close();
    throw error;
  }
  process.stdout.write(banner(simulator.url, options, faults.length));
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await simulator.close();
  process.stdout.write('simulator stopped\n');
}

if (require.main === module) {
  runSimulatorCli(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`trunkctl simulator: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
