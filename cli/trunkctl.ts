#!/usr/bin/env node
// trunkctl: start and inspect setups, steer them, migrate batches, and run the project's processes.
// Exit codes (ExitCodes in cli/context.ts): 0 done, 1 the operation failed, 2 bad usage or input (nothing was
// started), 3 a setup waits for a person's decision.
import { Command, CommanderError, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { InputValidationError } from '../domain/issues';
import { migrateCommand } from './commands/batches';
import { driftCommand } from './commands/drift';
import { lineCommand, planCommand } from './commands/lines';
import { handoffCommand, listCommand, retryCommand, rollbackCommand, showCommand } from './commands/ops';
import { probeCommand } from './commands/probe';
import { processCommands } from './commands/processes';
import { providersCommand } from './commands/providers';
import { inboundCommand, outboundCommand } from './commands/setups';
import { ExitCodes, UsageError } from './context';

export function program(): Command {
  const root = new Command('trunkctl')
    .description('durable Exotel SIP-trunk setups for voice-AI platforms')
    .addHelpText(
      'after',
      `
Each command has its own help: trunkctl <command> --help.
Connection: --address, --namespace, --task-queue, or TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE.
Exit codes: 0 done, 1 the operation failed, 2 bad usage or input, 3 a setup waits for an operator's decision.
With --json, errors go to stderr as JSON too: {"error", "issues": [{"field", "value", "rule"}], "exitCode"}.`,
    );
  const commands = [
    outboundCommand,
    inboundCommand,
    migrateCommand,
    providersCommand,
    handoffCommand,
    listCommand,
    showCommand,
    retryCommand,
    rollbackCommand,
    planCommand,
    lineCommand,
    driftCommand,
    probeCommand,
    ...processCommands,
  ];
  for (const command of commands) root.addCommand(command);
  root.hook('preAction', (_root, action) => refuseEmptyValues(action));
  return root;
}

/** `--provider ""` is a mistake (an unset variable in a script, say), never a way to leave an option out. */
function refuseEmptyValues(command: CommandUnknownOpts): void {
  for (const option of command.options) {
    const value: unknown = command.getOptionValue(option.attributeName());
    if (value === '' || (Array.isArray(value) && value.includes(''))) {
      throw new UsageError(`${option.long ?? option.flags} "": an empty value is not allowed; leave the option out instead`);
    }
  }
}

/** Runs trunkctl on `argv` (the words after the program name) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  const root = program();
  let commanderSaid = '';
  for (const command of [root, ...root.commands]) {
    // Errors are thrown (not process.exit), so the exit code is decided below, in one place.
    command.exitOverride().configureOutput({
      outputError: (text, write) => {
        commanderSaid += text;
        if (!json) write(`trunkctl: ${text.replace(/^error: /, '')}`);
      },
    });
  }
  if (argv.length === 0) {
    root.outputHelp();
    return ExitCodes.usage;
  }
  process.exitCode = undefined;
  try {
    await root.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCodes.done;
  } catch (err) {
    const { code, message, issues } = classify(err, commanderSaid);
    if (code === ExitCodes.done) return code;
    if (json) console.error(JSON.stringify({ error: message, ...(issues ? { issues } : {}), exitCode: code }));
    else if (!(err instanceof CommanderError)) {
      console.error(`trunkctl: ${message}`);
      if (err instanceof UsageError) console.error(`run \`trunkctl ${argv[0] ?? ''} --help\` for usage`);
    }
    return code;
  }
}

function classify(err: unknown, commanderSaid: string): { code: number; message: string; issues?: InputValidationError['issues'] } {
  if (err instanceof CommanderError) {
    // Commander printed the help, or its message (an unknown option with the nearest known one, a missing value).
    const shown = err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version';
    return { code: shown ? ExitCodes.done : ExitCodes.usage, message: (commanderSaid || err.message).replace(/^error: /, '').trim() };
  }
  if (err instanceof InputValidationError) return { code: ExitCodes.usage, message: err.message, issues: err.issues };
  if (err instanceof UsageError) return { code: ExitCodes.usage, message: err.message };
  return { code: ExitCodes.failed, message: err instanceof Error ? err.message : String(err) };
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
