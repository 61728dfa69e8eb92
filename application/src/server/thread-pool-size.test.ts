import { expect } from 'chai';
import { availableParallelism } from 'node:os';
import { sizeThreadPool } from './thread-pool-size';

describe('sizeThreadPool', () => {
  it('gives libuv twice the cores, and never fewer than its default 4 threads', () => {
    const env: NodeJS.ProcessEnv = {};
    sizeThreadPool(env);
    expect(env.UV_THREADPOOL_SIZE).to.equal(String(Math.max(4, 2 * availableParallelism())));
  });

  it("keeps the operator's UV_THREADPOOL_SIZE", () => {
    const env: NodeJS.ProcessEnv = { UV_THREADPOOL_SIZE: '7' };
    sizeThreadPool(env);
    expect(env.UV_THREADPOOL_SIZE).to.equal('7');
  });
});
