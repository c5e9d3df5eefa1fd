// Moves an existing customer base onto trunks: reads the source page by page, runs each customer's setup as a
// child workflow with at most `window` running at once, and continues as new (after letting its running setups
// finish) before its history grows large. The pace is set by the Exotel rate limit on the accounts' task queues.
import {
  allHandlersFinished,
  ChildWorkflowFailure,
  condition,
  continueAsNew,
  ParentClosePolicy,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  BATCH_DEFAULTS,
  countDone,
  emptyCounts,
  type BatchCarried,
  type BatchMigrationInput,
  type BatchReport,
  type RowOutcome,
  type RowReport,
  type SourceRow,
} from '../domain/batch';
import type { SetupRequest } from '../domain/setup';
import { files } from './activity-profiles';
import { batchProgressQuery, pauseSignal, resumeSignal } from './batch-messages';
import { childAwaitingOpsSignal } from './ops-gate';
import { setupStart } from './setup-start';

/** A run also stops taking rows when its history nears Temporal's warning limit (10,240 events). */
const HISTORY_EVENTS_PER_RUN = 6_000;
const MAX_PROBLEMS_KEPT = 50;

export async function batchMigration(input: BatchMigrationInput): Promise<BatchReport> {
  const carried: BatchCarried = input.carried ?? {
    cursor: null,
    readAll: false,
    counts: emptyCounts(),
    total: null,
    chunks: 0,
    paused: false,
    startedAt: new Date().toISOString(),
    problems: [],
  };
  const counts = { ...carried.counts };
  const problems = [...carried.problems];
  const window = input.window ?? BATCH_DEFAULTS.window;
  let paused = carried.paused;
  let inFlight = 0;
  let finished = false;
  const awaitingOps = new Set<string>();
  const reports: RowReport[] = [];

  setHandler(pauseSignal, () => void (paused = true));
  setHandler(resumeSignal, () => void (paused = false));
  setHandler(childAwaitingOpsSignal, ({ workflowId, awaiting }) => void (awaiting ? awaitingOps.add(workflowId) : awaitingOps.delete(workflowId)));
  setHandler(batchProgressQuery, () => {
    const done = countDone(counts);
    return {
      batchId: input.batchId,
      total: carried.total,
      done,
      counts: { ...counts },
      awaitingOps: awaitingOps.size,
      inFlight,
      remaining: carried.total === null ? null : carried.total - done,
      paused,
      startedAt: carried.startedAt,
      finished,
    };
  });

  const record = (row: SourceRow, outcome: RowOutcome, detail?: string) => {
    const request = row.request;
    const report: RowReport = {
      line: row.line,
      ...(request ? { customerId: request.input.customerId, direction: request.direction } : {}),
      ...(row.key && !request ? { customerId: row.key.split(':').slice(1).join(':'), direction: row.key.split(':')[0] } : {}),
      outcome,
      ...(detail ? { detail } : {}),
    };
    reports.push(report);
    counts[outcome === 'duplicate' ? 'duplicates' : outcome] += 1;
    if (outcome !== 'succeeded' && outcome !== 'skipped' && problems.length < MAX_PROBLEMS_KEPT) problems.push(report);
  };

  const runSetup = async (row: SourceRow, request: SetupRequest): Promise<void> => {
    const ours = {
      opsDecisionTimeout: request.input.opsDecisionTimeout ?? input.opsDecisionTimeout ?? BATCH_DEFAULTS.opsDecisionTimeout,
      notifyWorkflowId: workflowInfo().workflowId,
    };
    // A customer set up before (by an earlier run of this batch, or a signup event) is skipped, not redone.
    const { workflowType, ...start } = setupStart({ ...request, input: { ...request.input, ...ours } } as SetupRequest, {
      startedBy: `batch ${input.batchId}, line ${row.line} of its file`,
    });
    try {
      // A setup owns its rollback: stopping the batch must not stop a setup half-way.
      const child = await startChild(workflowType, { ...start, parentClosePolicy: ParentClosePolicy.ABANDON });
      await child.result();
      record(row, 'succeeded');
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) record(row, 'skipped', 'already set up, or being set up elsewhere');
      else if (err instanceof ChildWorkflowFailure) record(row, 'failed', err.cause?.message ?? err.message);
      else throw err;
    }
  };

  const running: Promise<void>[] = [];
  let taken = 0;
  while (!carried.readAll) {
    const info = workflowInfo();
    if (taken >= (input.rowsPerRun ?? BATCH_DEFAULTS.rowsPerRun) || info.continueAsNewSuggested || info.historyLength > HISTORY_EVENTS_PER_RUN) break;
    const page = await files.readBatchPage({ source: input.source, cursor: carried.cursor, limit: input.pageSize ?? BATCH_DEFAULTS.pageSize });
    carried.total = page.total;
    for (const row of page.rows) {
      await condition(() => !paused && inFlight < window);
      taken++;
      if (row.duplicateOfLine !== undefined) record(row, 'duplicate', `repeats line ${row.duplicateOfLine} (same customer and direction)`);
      else if (!row.request) record(row, 'invalid', row.invalid);
      else {
        inFlight++;
        running.push(runSetup(row, row.request).finally(() => void inFlight--));
      }
    }
    carried.cursor = page.nextCursor ?? carried.cursor;
    carried.readAll = page.nextCursor === null;
  }
  // The setups this run started finish here, so the next run starts clean.
  await Promise.all(running);
  await files.writeBatchReportChunk({ reportDir: input.reportDir, chunk: carried.chunks, rows: reports });
  const next: BatchCarried = { ...carried, counts, problems, paused, chunks: carried.chunks + 1 };
  if (!carried.readAll) {
    await condition(allHandlersFinished);
    return continueAsNew<typeof batchMigration>({ ...input, carried: next });
  }
  const summary = {
    batchId: input.batchId,
    source: input.source,
    total: carried.total ?? countDone(counts),
    counts,
    startedAt: carried.startedAt,
    finishedAt: new Date().toISOString(),
  };
  const { reportFile, summaryFile } = await files.finishBatchReport({ reportDir: input.reportDir, summary });
  finished = true;
  return { batchId: input.batchId, total: summary.total, counts, reportFile, summaryFile, problems };
}
