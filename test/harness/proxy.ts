import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of the test server that can interrupt a client at a
 * chosen query (a simple query, or the Parse of an extended one): `cut`
 * lets the query reach the server and then drops the client's connection,
 * as a network would, before any answer comes back; `hold` keeps the query
 * from the server and leaves the client waiting (for a test to kill it);
 * `pass` forwards it. Reads just enough of PostgreSQL's protocol to see each
 * message: the startup packet (no type byte), then type byte + length + payload.
 */
export type ProxyAction = 'pass' | 'cut' | 'hold';
export interface CuttingProxy {
  url(database: string): string;
  close(): Promise<void>;
}

export async function startCuttingProxy(serverUrl: string, decide: (sql: string) => boolean | ProxyAction): Promise<CuttingProxy> {
  const target = new URL(serverUrl);
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: target.hostname, port: Number(target.port || 5432) });
    sockets.add(client).add(upstream);
    let buffered = Buffer.alloc(0);
    let started = false;
    let cutting = false;
    let holding = false;
    client.on('data', (chunk: Buffer) => {
      if (cutting || holding) return;
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const header = started ? 5 : 4;
        if (buffered.length < header) return;
        const length = started ? buffered.readInt32BE(1) + 1 : buffered.readInt32BE(0);
        if (buffered.length < length) return;
        const message = buffered.subarray(0, length);
        buffered = buffered.subarray(length);
        const verdict = started ? decide(queryText(message)) : 'pass';
        const action = verdict === true ? 'cut' : verdict === false ? 'pass' : verdict;
        if (action === 'hold') {
          holding = true;
          return;
        }
        upstream.write(message);
        if (action === 'cut') {
          cutting = true;
          client.destroy();
          // The server has the query; let it finish before its side goes too.
          setTimeout(() => upstream.destroy(), 1000);
          return;
        }
        started = true;
      }
    });
    upstream.on('data', (chunk) => { if (!cutting) client.write(chunk); });
    for (const s of [client, upstream]) {
      s.on('error', () => undefined);
      s.on('close', () => { sockets.delete(s); if (!cutting) { client.destroy(); upstream.destroy(); } });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url(database: string) {
      const u = new URL(serverUrl);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      u.pathname = `/${database}`;
      return u.toString();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The SQL a Query ('Q': the text) or Parse ('P': a statement name, then the text) message carries; '' for any other. */
function queryText(message: Buffer): string {
  const payload = message.subarray(5);
  if (message[0] === 0x51) return payload.subarray(0, payload.indexOf(0)).toString('utf8');
  if (message[0] !== 0x50) return '';
  const start = payload.indexOf(0) + 1;
  return payload.subarray(start, payload.indexOf(0, start)).toString('utf8');
}
