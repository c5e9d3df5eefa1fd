// How people, platforms and setups talk to a customer line (workflows/customer-line.ts): the names the CLI, the
// Temporal UI and `temporal workflow update` use, in one place.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Difference } from '../domain/drift-report';
import type { LineOperation, LineView, ManagedLine, OperationReport, OperationRequest, RepairKind } from '../domain/line';
import type { OperationPlan } from '../domain/line-plans';

/** The record and what is running, queued and recently done. */
export const lineQuery = defineQuery<LineView>('line');

/** Reads Exotel and answers what the operation would send; changes nothing. */
export const planUpdate = defineUpdate<OperationPlan, [LineOperation]>('plan');

/**
 * Queues an operation and answers when it has come to rest: done, refused, stale, needing confirmation, rolled
 * back, or waiting for ops (its end then shows in the query's `recent`).
 */
export const operateUpdate = defineUpdate<OperationReport, [OperationRequest]>('operate');

/**
 * The same as `operate` for senders that cannot wait for an answer: the UI's signal form, and a platform's event
 * (workflows/line-event.ts). A request that does not parse is kept as a refused report; an operation id seen
 * before is not run again. Destructive plans need `confirm: true` here too.
 */
export const operationSignal = defineSignal<[OperationRequest]>('operation');

/** A setup that succeeded hands over what it made (also how an existing line takes a newer setup's resources). */
export const setupSucceededSignal = defineSignal<[{ line: ManagedLine; setupWorkflowId: string }]>('setupSucceeded');

/** Another line moved a number to `trunkSid` (move-did): this line owns it from now on, if that trunk is its own. */
export const didMovedInSignal = defineSignal<[{ did: string; mappingId: string; trunkSid: string; fromCustomerId: string; operationId: string }]>('didMovedIn');

/** A drift scan compared this line with Exotel: what differs (nothing: in sync), and which kinds to repair. */
export const driftObservedSignal = defineSignal<[{ scanId: string; at: string; differences: Difference[]; repair?: RepairKind[] }]>('driftObserved');
