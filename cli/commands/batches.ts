// trunkctl migrate: start a batch migration (or attach to it), show its progress, print its report; pause, resume.
import { Command } from '@commander-js/extra-typings';
import type { WorkflowHandle } from '@temporalio/client';
import { BATCH_DEFAULTS, type BatchReport } from '../../domain/batch';
import type { batchMigration } from '../../workflows/batch-migration';
import { durationFlag, numberFlag, UsageError, wholeNumberFlag, taskQueueOf, withClient, withConnectionFlags } from '../context';
import { formatBatchReport, progressLine } from '../format';

export const migrateCommand = withConnectionFlags(
  new Command('migrate')
    .description('move an existing customer base onto trunks from a .csv or .jsonl file')
    .argument('<file>', 'the batch source (.csv with a header row, .jsonl or .ndjson)')
    .option('--window <n>', `setups running at once (default ${BATCH_DEFAULTS.window})`)
    .option('--page-size <n>', `rows read at a time (default ${BATCH_DEFAULTS.pageSize})`)
    .option('--ops-timeout <duration>', `how long a failed setup waits for an operator (default ${BATCH_DEFAULTS.opsDecisionTimeout}: roll back at once)`)
    .option('--report-dir <dir>', 'where the report goes (default <file>.report)')
    .option('--weight <w>', "this batch's share of an account's budget against other batches on it (default 1; 2 = twice as much)")
    .option('--pause', 'pause the running batch (setups in flight finish)')
    .option('--resume', 'resume a paused batch')
    .option('--detach', 'start it and return without watching'),
)
  .addHelpText(
    'after',
    `
Examples:
  trunkctl migrate customers.csv
  trunkctl migrate customers.csv --window 50 --detach
  trunkctl migrate urgent.csv --weight 3              beside another batch on the same account: 3 of every 4 requests
  trunkctl migrate customers.csv --pause`,
  )
  .action(async (file, flags) => {
    if (flags.pause && flags.resume) throw new UsageError('--pause and --resume: give one');
    process.exitCode = await withClient(flags, async (client) => {
      const { batchHandle, pauseBatch, resumeBatch, startBatch } = await import('../../client/batches.js');
      if (flags.pause || flags.resume) {
        const handle = batchHandle(client, file);
        await (flags.pause ? pauseBatch(handle) : resumeBatch(handle));
        console.log(flags.json ? JSON.stringify({ workflowId: handle.workflowId, paused: !!flags.pause }) : `${handle.workflowId}: ${flags.pause ? 'paused' : 'resumed'}`);
        return 0;
      }
      const handle = await startBatch(client, file, {
        taskQueue: taskQueueOf(flags),
        window: wholeNumberFlag('window', flags.window),
        pageSize: wholeNumberFlag('page-size', flags.pageSize),
        ...(flags.opsTimeout !== undefined ? { opsDecisionTimeout: durationFlag(flags.opsTimeout) } : {}),
        reportDir: flags.reportDir,
        ...(flags.weight !== undefined ? { weight: numberFlag('weight', flags.weight) } : {}),
      });
      if (!flags.json) console.log(`batch ${handle.workflowId} (pause: trunkctl migrate ${file} --pause)`);
      if (flags.detach) return 0;
      const report = await watchBatch(handle, { live: !flags.json });
      console.log(flags.json ? JSON.stringify(report) : formatBatchReport(report));
      return report.counts.failed + report.counts.invalid + report.counts.duplicates > 0 ? 1 : 0;
    });
  });

/** Shows the batch's progress until it ends (riding out continue-as-new), then returns its report. */
async function watchBatch(handle: WorkflowHandle<typeof batchMigration>, { live }: { live: boolean }): Promise<BatchReport> {
  const { batchProgress } = await import('../../client/batches.js');
  const result = handle.result();
  let ended = false;
  void result.then(
    () => (ended = true),
    () => (ended = true),
  );
  const started = Date.now();
  let firstDone: number | undefined;
  while (!ended) {
    const progress = await batchProgress(handle).catch(() => undefined);
    if (progress && live) {
      firstDone ??= progress.done;
      process.stdout.write(`${progressLine(progress, (Date.now() - started) / 60_000, firstDone)}${process.stdout.isTTY ? '\r' : '\n'}`);
    }
    await new Promise((r) => setTimeout(r, process.stdout.isTTY ? 1_000 : 10_000));
  }
  if (live && process.stdout.isTTY) process.stdout.write('\n');
  return result;
}
