// What a batch migration answers and listens to; imported by clients too.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { BatchProgress } from '../domain/batch';

export const batchProgressQuery = defineQuery<BatchProgress>('progress');
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
