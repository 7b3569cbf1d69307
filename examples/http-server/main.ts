/**
 * An HTTP server that hands each request's work to a pool of worker threads, traced end to end:
 * a request is a span on the main thread, its job a span that begins there and ends in a worker,
 * the request's number links them across threads (a flow), the queue's depth is a counter, the
 * URL path a string, and every thread names its track.
 *
 *   npm run build
 *   node dist/examples/http-server/main.js server.trace [requests] [workers]
 *   npx tracegen export server.trace --format perfetto -o server.pftrace   # open in ui.perfetto.dev
 *   npx tracegen stats server.trace
 *
 * The server listens on a free port of 127.0.0.1 and sends itself `requests` requests, a few at a
 * time, then stops: the capture holds the whole run.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import {
  enable,
  setThreadName,
  startCapture,
  totalEvents,
  traceJobQueued,
  traceQueueDepth,
  traceRequestBegin,
  traceRequestEnd,
  tracingBuffer,
} from '../../generated/http-server/index.js';
import type { Job, JobResult } from './worker.js';

const out = process.argv[2] ?? 'server.trace';
const requests = Number(process.argv[3] ?? 40);
const workerCount = Number(process.argv[4] ?? 3);
const PATHS = ['/users/17', '/users/42', '/orders', '/orders/9/items', '/health'];

setThreadName('http main');
enable();
const capture = startCapture(out, { intervalMs: 20 });

const workers = Array.from(
  { length: workerCount },
  (_, i) => new Worker(new URL('./worker.js', import.meta.url), { workerData: { buffer: tracingBuffer(), name: `http worker ${i + 1}` } }),
);
const idle = [...workers];
const queue: Job[] = [];
const answers = new Map<number, (result: JobResult) => void>();
let jobs = 0;

for (const w of workers) {
  w.on('message', (result: JobResult) => {
    answers.get(result.job)!(result);
    answers.delete(result.job);
    idle.push(w);
    dispatch();
  });
}

/** Hands queued jobs to idle workers. */
function dispatch(): void {
  while (idle.length > 0 && queue.length > 0) {
    idle.pop()!.postMessage(queue.shift()!);
    traceQueueDepth(queue.length);
  }
}

/** Queues a job for a request and resolves with its result. */
function runJob(request: number, path: string): Promise<JobResult> {
  const job = ++jobs;
  traceJobQueued(job, request);
  queue.push({ job, request, path });
  traceQueueDepth(queue.length);
  const done = new Promise<JobResult>((resolve) => answers.set(job, resolve));
  dispatch();
  return done;
}

let served = 0;
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  const request = ++served;
  const path = req.url ?? '/';
  traceRequestBegin(request, path);
  void runJob(request, path).then((result) => {
    res.writeHead(200, { 'content-type': 'text/plain' }).end(result.body);
    traceRequestEnd(request, 200);
  });
});

server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address() as AddressInfo;
  let sent = 0;
  // a few clients at a time, so that requests overlap on the main thread and jobs queue up
  const client = async () => {
    while (sent < requests) {
      const path = PATHS[sent++ % PATHS.length]!;
      const res = await fetch(`http://127.0.0.1:${port}${path}`);
      await res.text();
    }
  };
  await Promise.all(Array.from({ length: 2 * workerCount }, client));
  server.close();
  await Promise.all(workers.map((w) => w.terminate()));
  capture.stop();
  console.log(`${out}: ${served} requests, ${jobs} jobs on ${workerCount} workers, ${totalEvents()} events`);
});
