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

export interface LinesPage {
  lines: { workflowId: string; line: ManagedLine }[];
  /** Absent on the last page. */
  nextPageToken?: string;
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
      for (let i = 0; i < ids.length; i += QUERY_CONCURRENCY) {
        const batch = ids.slice(i, i + QUERY_CONCURRENCY);
        const views = await Promise.all(
          batch.map((workflowId) =>
            client.workflow
              .getHandle(workflowId)
              .query(lineQuery)
              .then((view) => ({ workflowId, line: view.line }))
              // A line that ended between the listing and the query has nothing to scan.
              .catch(() => undefined),
          ),
        );
        for (const v of views) if (v) lines.push(v);
        Context.current().heartbeat(i);
      }
      const next = answer.nextPageToken && answer.nextPageToken.length > 0 ? Buffer.from(answer.nextPageToken).toString('base64') : undefined;
      return { lines, ...(next ? { nextPageToken: next } : {}) };
    },
  };
}

export type LineDirectoryActivities = ReturnType<typeof createLineDirectoryActivities>;
