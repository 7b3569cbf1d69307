/** One worker of the HTTP server example: names its track, then traces each job it runs. */
import { parentPort, workerData } from 'node:worker_threads';
import { attachTracing, traceJobDone, traceJobStarted } from '../../generated/http-server/index.js';

/** A request's work, as the main thread queues it. */
export interface Job {
  readonly job: number;
  readonly request: number;
  readonly path: string;
}

/** What a worker answers. */
export interface JobResult {
  readonly job: number;
  readonly body: string;
}

if (parentPort) {
  const { buffer, name } = workerData as { buffer: SharedArrayBuffer; name: string };
  attachTracing(buffer, { name });
  parentPort.on('message', ({ job, request, path }: Job) => {
    traceJobStarted(job, request);
    let x = 0;
    for (let i = 0; i < 200_000; i++) x = (x * 31 + i + path.length) | 0; // the job's work
    const body = `${path}: ${x}\n`;
    traceJobDone(job, request, Buffer.byteLength(body));
    parentPort!.postMessage({ job, body } satisfies JobResult);
  });
}
