// `trunkctl simulator`: run the simulator from the command line until SIGINT/SIGTERM.

import { SimulatorAdmin } from './admin-client';
import { REGION_HOSTS } from './auth';
import { DEMO_ACCOUNT } from './demo-account';
import { parseFaultSpec } from './faults';
import { SimulatorOptionError } from './options';
import { DEFAULT_RATE_LIMIT, formatWindow } from './rate-limit';
import { startSimulator } from './server';
import type { FaultSpec, RateLimitConfig, RunningSimulator, SimulatorAccount, SimulatorOptions } from './types';

const DEFAULT_PORT = 4010;

const USAGE = `Usage: trunkctl simulator [options]

Runs a local simulator of Exotel's v2 SIP-trunk API (base path /v2/accounts/{account_sid}).

Options:
  --host <host>                      interface to listen on (default 127.0.0.1)
  --port <port>                      port to listen on (default ${DEFAULT_PORT}; 0 = any free port)
  --account <sid:key:token:region>   an account to serve, region "in" or "sg"; repeatable
                                     (default ${DEMO_ACCOUNT.sid}:${DEMO_ACCOUNT.apiKey}:<demo token>:${DEMO_ACCOUNT.region})
  --rate-limit <N/window | off>      per-account limit, e.g. 200/60s (default), 200/6s, 200/500ms, off
  --state-file <path>                keep trunks in this JSON file across restarts
  --delete-style <query | path>      how DELETE names the id of phone-numbers, whitelisted-ips and
                                     destination-uris: ?id= (default) or /{id}
  --number-scope <account | trunk>   refuse (account, default) or allow (trunk) a number on two trunks
  --admin-token <token>              require "Authorization: Bearer <token>" on /_admin
  --fault <json FaultSpec>           inject a fault, e.g. '{"kind":"status","status":503,"path":"/trunks$"}';
                                     repeatable
  --seed <integer>                   seed ids and probabilistic faults for reproducible runs
  --help                             show this help
`;

class UsageError extends Error {}

const invalid = (flag: string, value: string, rule: string): UsageError =>
  new UsageError(`${flag} ${JSON.stringify(value)} is invalid: ${rule}`);

const VALUE_FLAGS = ['--host', '--port', '--account', '--rate-limit', '--state-file', '--delete-style', '--number-scope', '--admin-token', '--fault', '--seed'];

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

export interface CliCommand {
  help: boolean;
  options: SimulatorOptions;
  /** Installed through the admin API once the server listens: the one way faults get in. */
  faults: FaultSpec[];
}

/** Turns argv (the words after `simulator`) into options; throws a UsageError naming the flag, value and rule. */
export function parseSimulatorArgs(argv: string[]): CliCommand {
  const accounts: SimulatorAccount[] = [];
  const faults: FaultSpec[] = [];
  const options: SimulatorOptions = { accounts, port: DEFAULT_PORT };
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] ?? '';
    if (word === '--help' || word === '-h') {
      help = true;
      continue;
    }
    const eq = word.indexOf('=');
    const flag = word.startsWith('--') && eq > 0 ? word.slice(0, eq) : word;
    if (!VALUE_FLAGS.includes(flag)) throw new UsageError(`unknown option ${JSON.stringify(word)}`);
    const value = eq > 0 && word.startsWith('--') ? word.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`${flag} needs a value`);
    switch (flag) {
      case '--host':
        if (!value) throw invalid(flag, value, 'give a host name or address');
        options.host = value;
        break;
      case '--port':
        if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw invalid(flag, value, 'must be an integer 0–65535');
        options.port = Number(value);
        break;
      case '--account':
        accounts.push(parseAccount(value));
        break;
      case '--rate-limit':
        options.rateLimit = parseRateLimit(value);
        break;
      case '--state-file':
        if (!value) throw invalid(flag, value, 'give a file path');
        options.stateFile = value;
        break;
      case '--delete-style':
        if (value !== 'query' && value !== 'path') throw invalid(flag, value, 'must be "query" or "path"');
        options.deleteStyle = value;
        break;
      case '--number-scope':
        if (value !== 'account' && value !== 'trunk') throw invalid(flag, value, 'must be "account" or "trunk"');
        options.numberScope = value;
        break;
      case '--admin-token':
        if (!value) throw invalid(flag, value, 'must be non-empty');
        options.adminToken = value;
        break;
      case '--fault':
        try {
          faults.push(parseFaultSpec(JSON.parse(value)));
        } catch (error) {
          throw invalid(flag, value, error instanceof Error ? error.message : String(error));
        }
        break;
      case '--seed':
        if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw invalid(flag, value, 'must be an integer');
        options.seed = Number(value);
        break;
    }
  }
  if (accounts.length === 0) accounts.push(DEMO_ACCOUNT);
  return { help, options, faults };
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

/** Runs until SIGINT or SIGTERM. Bad flags print the rule they broke and set exit code 2. */
export async function runSimulatorCli(argv: string[]): Promise<void> {
  let command: CliCommand;
  try {
    command = parseSimulatorArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`trunkctl simulator: ${error.message}\nRun "trunkctl simulator --help" for usage.\n`);
    process.exitCode = 2;
    return;
  }
  if (command.help) {
    process.stdout.write(USAGE);
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

if (require.main === module) void runSimulatorCli(process.argv.slice(2));
