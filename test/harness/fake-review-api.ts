import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  method: string;
  path: string;
  body?: string;
}

/**
 * A stand-in for GitHub's REST API (or GitLab's), as much of it as a pull
 * request comment (merge request note) uses: list (paged), create, edit. It
 * checks the token, and refuses a body over GitHub's 65,536-character limit
 * as GitHub does (422).
 */
export class FakeReviewApi {
  readonly calls: RecordedCall[] = [];
  /** Comments per pull request number. */
  readonly comments = new Map<number, Array<{ id: number; body: string; user: string }>>();
  private nextId = 1;
  private server?: Server;
  url = '';

  /** `repository`: owner/name on GitHub, the project id on GitLab. */
  constructor(private readonly repository: string, private readonly token: string, private readonly flavour: 'github' | 'gitlab' = 'github') {}

  seed(pr: number, count: number): void {
    for (let i = 0; i < count; i++) this.thread(pr).push({ id: this.nextId++, body: `looks good ${i}`, user: 'a-reviewer' });
  }

  thread(pr: number) {
    if (!this.comments.has(pr)) this.comments.set(pr, []);
    return this.comments.get(pr)!;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void readBody(req).then((body) => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        this.calls.push({ method: req.method ?? '', path: url.pathname + url.search, ...(body && { body }) });
        const answer = (status: number, value: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(value));
        };
        const github = this.flavour === 'github';
        const authorized = github ? req.headers.authorization === `Bearer ${this.token}` : req.headers['private-token'] === this.token;
        if (!authorized) return answer(401, { message: github ? 'Bad credentials' : '401 Unauthorized' });
        const list = new RegExp(github ? `^/repos/${this.repository}/issues/(\\d+)/comments$` : `^/api/v4/projects/${this.repository}/merge_requests/(\\d+)/notes$`).exec(url.pathname);
        const one = new RegExp(github ? `^/repos/${this.repository}/issues/comments/(\\d+)$` : `^/api/v4/projects/${this.repository}/merge_requests/\\d+/notes/(\\d+)$`).exec(url.pathname);
        const text = body ? (JSON.parse(body) as { body?: string }).body ?? '' : '';
        if (text.length > 65_536) return answer(422, { message: 'Validation Failed', errors: [{ message: 'body is too long (maximum is 65536 characters)' }] });
        if (list && req.method === 'GET') {
          const page = Number(url.searchParams.get('page') ?? 1);
          const perPage = Number(url.searchParams.get('per_page') ?? 30);
          return answer(200, this.thread(Number(list[1])).slice((page - 1) * perPage, page * perPage));
        }
        if (list && req.method === 'POST') {
          const comment = { id: this.nextId++, body: text, user: 'github-actions[bot]' };
          this.thread(Number(list[1])).push(comment);
          return answer(201, comment);
        }
        if (one && req.method === (github ? 'PATCH' : 'PUT')) {
          const comment = [...this.comments.values()].flat().find((c) => c.id === Number(one[1]));
          if (!comment) return answer(404, { message: 'Not Found' });
          comment.body = text;
          return answer(200, comment);
        }
        return answer(404, { message: 'Not Found' });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** The calls that wrote (created or edited) a comment. */
  writes(): RecordedCall[] {
    return this.calls.filter((c) => c.method !== 'GET');
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => resolve(body));
  });
}
