// The managed lines of an account, read from Temporal itself: visibility finds the running line workflows, and
// each answers its record. A page at a time, so a scan of ten thousand customers never holds them in one payload.
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { ManagedLine } from '../domain/line';
import { rules } from '../domain/rules';
import { SearchAttributes } from '../domain/search-attributes';
import { lineQuery } from '../workflows/line-messages';

/** Records read at once: enough to keep the server busy, few enough to leave it room. */
const QUERY_CONCURRENCY = 8;
/** A line's answer takes milliseconds; one that takes this long has no worker. */
const QUERY_DEADLINE_MS = 10_000;

export interface LinesPage {
  lines: { workflowId: string; line: ManagedLine }[];
  /** Absent on the last page. */
  nextPageToken?: string;
  /** Lines listed that did not answer (no worker for them, or ended meanwhile): not scanned this time. */
  unanswered: number;
}

export function createLineDirectoryActivities({ client }: { client?: Client }) {
  return {
    async managedLinesPage({ accountSid, pageToken, pageSize }: { accountSid: string; pageToken?: string; pageSize: number }): Promise<LinesPage> {
      if (!client) throw new Error('this worker has no Temporal client for reading lines: give createSetupWorker a client');
      const broken = rules.accountSid(accountSid);
      if (broken) throw new Error(`accountSid ${JSON.stringify(accountSid)}: ${broken}`);
      const query = `WorkflowType = 'customerLine' AND ExecutionStatus = 'Running' AND ${SearchAttributes.exotelAccount.name} = '${accountSid}'`;
      const answer = await client.workflowService.listWorkflowExecutions({
        namespace: client.options.namespace,
        query,
        pageSize,
        ...(pageToken ? { nextPageToken: Buffer.from(pageToken, 'base64') } : {}),
      });
      const ids = (answer.executions ?? []).map((e) => e.execution?.workflowId).filter((id): id is string => typeof id === 'string');
      const lines: LinesPage['lines'] = [];
      let unanswered = 0;
      for (let i = 0; i < ids.length; i += QUERY_CONCURRENCY) {
        const batch = ids.slice(i, i + QUERY_CONCURRENCY);
        const views = await Promise.all(
          batch.map((workflowId) =>
            client.connection
              // A line no worker answers for (its task queue unserved) must not hold the scan up.
              .withDeadline(Date.now() + QUERY_DEADLINE_MS, () => client.workflow.getHandle(workflowId).query(lineQuery))
              .then((view) => ({ workflowId, line: view.line }))
              // A line that ended since it was listed, or that nobody answers for, has nothing to scan now.
              .catch(() => undefined)
              .finally(() => Context.current().heartbeat(workflowId)),
          ),
        );
        for (const v of views) if (v) lines.push(v);
        unanswered += views.filter((v) => v === undefined).length;
      }
      const next = answer.nextPageToken && answer.nextPageToken.length > 0 ? Buffer.from(answer.nextPageToken).toString('base64') : undefined;
      return { lines, unanswered, ...(next ? { nextPageToken: next } : {}) };
    },
  };
}

export type LineDirectoryActivities = ReturnType<typeof createLineDirectoryActivities>;
