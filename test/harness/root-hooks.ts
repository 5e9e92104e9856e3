import { startPostgres, type RunningServer } from './postgres-server.js';

let server: RunningServer | undefined;

/** The maintenance URL of the server all tests share. */
export function serverUrl(): string {
  const url = process.env.TEST_DATABASE_URL ?? server?.url;
  if (!url) throw new Error('test server not started');
  return url;
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(120_000);
    if (!process.env.TEST_DATABASE_URL) server = await startPostgres();
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    await server?.stop();
  },
};
