// The long-running processes trunkctl starts: the worker, the signup-event receiver, the codec server and the
// Exotel simulator. Each reads its own flags (and prints its own --help): trunkctl only hands them the words.
import { Command } from '@commander-js/extra-typings';
import { runCodecServerCli } from '../../codec/main';
import { runSignupReceiverCli } from '../../events/main';
import { runSimulatorCli } from '../../simulator/main';
import { runWorker } from '../../worker/main';

/** A command whose words all go to the process it starts. */
function passThrough(name: string, description: string, run: (argv: string[]) => Promise<void>) {
  return new Command(name)
    .description(description)
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[options...]', 'the process’s own options (--help lists them)')
    .action(async (words) => {
      await run(words);
    });
}

export const processCommands = [
  new Command('worker')
    .description('the worker (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE, EXOTEL_ACCOUNTS_FILE, TRUNK_CODEC_KEYS)')
    .action(async () => {
      await runWorker();
    }),
  passThrough('events', 'the signup-event receiver (SIGNUP_EVENTS_SECRET; see docs/operations.md)', runSignupReceiverCli),
  passThrough('codec-server', 'decrypts payloads for the Temporal UI and CLI (docs/encryption.md)', (argv) => runCodecServerCli(argv)),
  passThrough('simulator', 'a local Exotel: the trunk API with its envelopes, quirks, rate limit and faults', runSimulatorCli),
];
