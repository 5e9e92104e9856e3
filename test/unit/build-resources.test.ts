import assert from 'node:assert/strict';
import { autoBuildMemory, buildResources } from '../../src/apply/build-resources.js';

/** How a concurrent index build is resourced: the options read, and the memory sized from the table. */
describe('build resources', () => {
  it('reads auto, server, PostgreSQL sizes and worker counts, and refuses anything else with the fix', () => {
    assert.deepEqual(buildResources({}), { memory: 'auto', workers: 'server' });
    assert.deepEqual(buildResources({ buildWorkers: '0' }), { memory: 'auto', workers: 0 });
    assert.deepEqual(buildResources({ buildMemory: '2GB', buildWorkers: '4' }), { memory: 2 * 1024 ** 3, workers: 4 });
    assert.deepEqual(buildResources({ buildMemory: 'server', buildWorkers: 'server' }), { memory: 'server', workers: 'server' });
    assert.deepEqual(buildResources({ buildMemory: '512 MB' }).memory, 512 * 1024 ** 2);
    for (const bad of ['2gb', '1.5GB', "1GB'; DROP TABLE t; --", '-1MB', '']) {
      assert.throws(() => buildResources({ buildMemory: bad }), /invalid build memory/);
    }
    for (const bad of ['-1', 'two', '1.5', '1; SELECT 1']) assert.throws(() => buildResources({ buildWorkers: bad }), /invalid number of build workers/);
  });

  it('gives a build what its sorts need for the rows, never less than the server\'s setting, never more than 1GB', () => {
    const mb = 1024 ** 2;
    assert.equal(autoBuildMemory(0, 64 * mb), 64 * mb, 'an empty table keeps the server\'s');
    assert.equal(autoBuildMemory(-1, 64 * mb), 64 * mb, 'no statistics: the server\'s');
    const tenMillion = autoBuildMemory(10_000_000, 64 * mb);
    assert.ok(tenMillion > 800 * mb && tenMillion < 1024 * mb, String(tenMillion));
    assert.equal(autoBuildMemory(1e9, 64 * mb), 1024 ** 3, 'capped');
    assert.equal(autoBuildMemory(1e9, 4 * 1024 ** 3), 4 * 1024 ** 3, 'a server that gives more keeps it');
  });
});
