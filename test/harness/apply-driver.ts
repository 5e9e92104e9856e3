/**
 * An apply in a process of its own that kills itself with SIGKILL at a
 * chosen point, as a crash or `kill -9` would:
 *   node apply-driver.js URL PLAN_FILE after-unit N   (N = 0: once the apply has begun)
 *   node apply-driver.js URL PLAN_FILE in-step N [DIR] (a concurrent build: while it runs)
 * For a concurrent build it first hands over: it writes DIR/ready and
 * waits (the whole process, synchronously) for DIR/go, so that the test can
 * open a transaction the build must wait for, with its INVALID index made.
 * Exits 0 if it was never killed (the point was never reached).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyPlan } from '../../src/apply/apply.js';
import { connectServer } from '../../src/db/server.js';
import { executablePart, readPlanFile } from '../../src/plan/plan-file.js';

const [url, file, mode, at, dir] = process.argv.slice(2) as [string, string, 'after-unit' | 'in-step', string, string | undefined];
const n = Number(at);
const die = () => process.kill(process.pid, 'SIGKILL');
const plan = executablePart(await readPlanFile(file));
const lastOfUnit = plan.steps.filter((s) => s.unit === n).at(-1)?.index;
const db = await connectServer(url);
await applyPlan(db, plan, {
  allowDestructive: true,
  lockTimeout: '60s',
  onPhase: (phase) => {
    if (mode === 'after-unit' && n === 0 && phase === 'running the steps') die();
  },
  onStep: (e) => {
    if (mode === 'after-unit' && e.type === 'done' && e.step.index === lastOfUnit) die();
    if (mode === 'in-step' && e.type === 'start' && e.step.index === n) {
      // A concurrent build is given time to create its (still INVALID) index; anything else dies inside its unit's transaction.
      if (e.step.transactional) die();
      else {
        if (dir) handOver(dir);
        setTimeout(die, 1500);
      }
    }
  },
});
await db.close();

function handOver(dir: string) {
  writeFileSync(join(dir, 'ready'), '');
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; i < 1000 && !existsSync(join(dir, 'go')); i++) Atomics.wait(pause, 0, 0, 10);
}
