// The long-running processes trunkctl starts: the worker, the signup-event receiver, the codec server and the
// Exotel simulator. Each reads its own flags (and prints its own --help): trunkctl only hands them the words.
import { Command } from '@commander-js/extra-typings';

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
      await (await import('../../worker/main.js')).runWorker();
    }),
  passThrough('events', 'the signup-event receiver (SIGNUP_EVENTS_SECRET; see docs/operations.md)', async (argv) =>
    (await import('../../events/main.js')).runSignupReceiverCli(argv),
  ),
  passThrough('codec-server', 'decrypts payloads for the Temporal UI and CLI (docs/encryption.md)', async (argv) =>
    (await import('../../codec/main.js')).runCodecServerCli(argv),
  ),
  passThrough('simulator', 'a local Exotel: the trunk API with its envelopes, quirks, rate limit and faults', async (argv) =>
    (await import('../../simulator/main.js')).runSimulatorCli(argv),
  ),
];
