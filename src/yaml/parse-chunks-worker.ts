import { parentPort, workerData } from 'node:worker_threads';
import { parseChunk } from './parse-chunk.js';

/** Worker entry: parse the chunks it is given; undefined marks one that needs the full parser. */
parentPort!.postMessage((workerData.chunks as string[]).map(parseChunk));
