import { readFileSync } from 'node:fs';
import { SchemaformError } from '../errors.js';

/**
 * One comment per pull request (or merge request) that the tool keeps up to
 * date: found again by a hidden marker on its first line, edited in place,
 * created only when there is none. GitHub and GitLab, through their REST
 * APIs, with the variables their CI jobs already have.
 */
export interface ReviewThread {
  /** Where the comment goes, for messages: "pull request owner/repo#12". */
  where: string;
  list(): Promise<Array<{ id: number; body: string }>>;
  create(body: string): Promise<{ id: number }>;
  update(id: number, body: string): Promise<{ id: number }>;
}

export type Provider = 'github' | 'gitlab';

export function markerFor(key: string): string {
  return `<!-- schemaform:plan:${key} -->`;
}

/** Create the comment, or edit the one carrying `marker`. */
export async function upsertComment(thread: ReviewThread, marker: string, body: string): Promise<{ id: number; action: 'created' | 'updated' }> {
  const mine = (await thread.list()).find((c) => c.body.startsWith(marker));
  if (mine) return { ...(await thread.update(mine.id, body)), action: 'updated' };
  return { ...(await thread.create(body)), action: 'created' };
}

/** The CI this runs in, from the variables GitHub Actions and GitLab CI set. */
export function detectProvider(env: NodeJS.ProcessEnv): Provider | undefined {
  if (env.GITHUB_ACTIONS === 'true') return 'github';
  if (env.GITLAB_CI === 'true') return 'gitlab';
  return undefined;
}

export function reviewThread(provider: Provider, env: NodeJS.ProcessEnv, number?: number): ReviewThread {
  return provider === 'github' ? githubThread(env, number) : gitlabThread(env, number);
}

function required(env: NodeJS.ProcessEnv, names: string[], why: string): string[] {
  const missing = names.filter((n) => !env[n]);
  if (missing.length) throw new SchemaformError(`${missing.join(', ')} not set: ${why}; no comment was written`, { hint: 'Run this in the CI job of a pull (merge) request; see "Use it in CI" in README.md for the permissions and variables it needs.' });
  return names.map((n) => env[n]!);
}

function githubThread(env: NodeJS.ProcessEnv, number?: number): ReviewThread {
  const [token, repository] = required(env, ['GITHUB_TOKEN', 'GITHUB_REPOSITORY'], 'a GitHub comment needs a token with pull-requests: write and the repository');
  const pr = number ?? githubPullRequest(env);
  const api = (env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/$/, '');
  const headers = { authorization: `Bearer ${token}`, accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28', 'content-type': 'application/json' };
  const issue = `${api}/repos/${repository}/issues`;
  return {
    where: `pull request ${repository}#${pr}`,
    list: () => paged((page) => request<Array<{ id: number; body?: string }>>('GET', `${issue}/${pr}/comments?per_page=100&page=${page}`, headers)),
    create: (body) => request('POST', `${issue}/${pr}/comments`, headers, { body }),
    update: (id, body) => request('PATCH', `${issue}/comments/${id}`, headers, { body }),
  };
}

/** The pull request of this job: from the event GitHub wrote for it. */
function githubPullRequest(env: NodeJS.ProcessEnv): number {
  const fromRef = /^refs\/pull\/(\d+)\//.exec(env.GITHUB_REF ?? '')?.[1];
  if (env.GITHUB_EVENT_PATH) {
    const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as { pull_request?: { number?: number }; number?: number };
    const n = event.pull_request?.number ?? (fromRef ? Number(fromRef) : undefined);
    if (n) return n;
  } else if (fromRef) {
    return Number(fromRef);
  }
  throw new SchemaformError('this job is not for a pull request (no pull_request in GITHUB_EVENT_PATH); no comment was written', { hint: 'Run it on `pull_request` events, or pass --pr NUMBER.' });
}

function gitlabThread(env: NodeJS.ProcessEnv, number?: number): ReviewThread {
  const [token, api, project] = required(env, ['GITLAB_TOKEN', 'CI_API_V4_URL', 'CI_PROJECT_ID'], 'a GitLab note needs a token with the api scope (GITLAB_TOKEN; the job token cannot write notes) and the project');
  const mr = number ?? Number(env.CI_MERGE_REQUEST_IID);
  if (!mr) throw new SchemaformError('this job is not for a merge request (CI_MERGE_REQUEST_IID is not set); no comment was written', { hint: 'Run it in a merge request pipeline (rules: if: $CI_PIPELINE_SOURCE == "merge_request_event"), or pass --pr IID.' });
  const headers = { 'private-token': token, 'content-type': 'application/json' };
  const notes = `${api.replace(/\/$/, '')}/projects/${encodeURIComponent(project)}/merge_requests/${mr}/notes`;
  return {
    where: `merge request !${mr} of project ${project}`,
    list: () => paged((page) => request<Array<{ id: number; body?: string }>>('GET', `${notes}?per_page=100&page=${page}`, headers)),
    create: (body) => request('POST', notes, headers, { body }),
    update: (id, body) => request('PUT', `${notes}/${id}`, headers, { body }),
  };
}

/** Every page of a list, 100 at a time (at most 100 pages). */
async function paged(get: (page: number) => Promise<Array<{ id: number; body?: string }>>): Promise<Array<{ id: number; body: string }>> {
  const all: Array<{ id: number; body: string }> = [];
  for (let page = 1; page <= 100; page++) {
    const items = await get(page);
    all.push(...items.map((c) => ({ id: c.id, body: c.body ?? '' })));
    if (items.length < 100) break;
  }
  return all;
}

/** One API call, bounded to 30 s; an error names the call and what the server said. */
async function request<T>(method: string, url: string, headers: Record<string, string>, body?: unknown): Promise<T> {
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(30_000) })
    .catch((e: Error) => { throw new SchemaformError(`${method} ${withoutQuery(url)} failed: ${e.message}; no comment was written`, { hint: 'Check the API URL and the network from the CI job.' }); });
  const text = await response.text();
  if (!response.ok) {
    throw new SchemaformError(`${method} ${withoutQuery(url)} answered ${response.status}: ${text.slice(0, 300)}`, {
      hint: response.status === 401 || response.status === 403 || response.status === 404
        ? 'The token may lack the permission: on GitHub give the job `permissions: pull-requests: write`; on GitLab a token with the api scope.'
        : 'Run the job again; if it persists, check the provider\'s status.',
    });
  }
  return (text ? JSON.parse(text) : {}) as T;
}

const withoutQuery = (url: string) => url.replace(/\?.*$/, '');
