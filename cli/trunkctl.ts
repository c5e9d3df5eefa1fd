// trunkctl: start and inspect setups, steer them, migrate batches, and run the project's processes.
// Exit codes: 0 done, 1 the operation failed, 2 bad usage or input (nothing was started).
import { Command, CommanderError } from '@commander-js/extra-typings';
import { InputValidationError } from '../domain/issues';
import { migrateCommand } from './commands/batches';
import { handoffCommand, listCommand, retryCommand, rollbackCommand, showCommand } from './commands/ops';
import { processCommands } from './commands/processes';
import { providersCommand } from './commands/providers';
import { inboundCommand, outboundCommand } from './commands/setups';
import { UsageError } from './context';

export function program(): Command {
  const root = new Command('trunkctl')
    .description('durable Exotel SIP-trunk setups for voice-AI platforms')
    .addHelpText(
      'after',
      `
Each command has its own help: trunkctl <command> --help.
Connection: --address, --namespace, --task-queue, or TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE.
Exit codes: 0 done, 1 the operation failed, 2 bad usage or input.`,
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
    ...processCommands,
  ];
  for (const command of commands) root.addCommand(command);
  // Errors are thrown (not process.exit), so the exit code is decided below, in one place.
  for (const command of [root, ...root.commands]) {
    command.exitOverride().configureOutput({ outputError: (text, write) => write(`trunkctl: ${text.replace(/^error: /, '')}`) });
  }
  return root;
}

/** Runs trunkctl on `argv` (the words after the program name) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const root = program();
  if (argv.length === 0) {
    root.outputHelp();
    return 2;
  }
  process.exitCode = undefined;
  try {
    await root.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander printed its message (an unknown option with the nearest known one, a missing value) or the help.
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version' ? 0 : 2;
    }
    if (err instanceof UsageError || err instanceof InputValidationError) {
      console.error(`trunkctl: ${err.message}`);
      if (err instanceof UsageError) console.error(`run \`trunkctl ${argv[0] ?? ''} --help\` for usage`);
      return 2;
    }
    console.error(`trunkctl: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
