import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { ProcessSupervisor, processAlive } from './process-supervisor';

describe('the process supervisor', () => {
  let dir: string;
  let supervisor: ProcessSupervisor;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'supervisor-'));
    supervisor = new ProcessSupervisor(join(dir, 'processes'), join(dir, 'logs'));
  });
  afterEach(async () => {
    await supervisor.stopAll();
    rmSync(dir, { recursive: true, force: true });
  });

  // The shell starts a child and records its pid, like npx starting node through sh.
  const spec = (name: string) => ({
    name,
    command: '/bin/sh',
    args: ['-c', `echo started $NODE_NAME; sleep 60 & echo $! > ${join(dir, `${name}.child`)}; wait`],
    env: { PATH: process.env.PATH ?? '', NODE_NAME: name },
    cwd: dir,
  });

  it('starts a process with its environment and logs its output to a file', async () => {
    supervisor.start(spec('node-a'));
    expect(supervisor.isRunning('node-a')).to.equal(true);
    await sleep(200);
    expect(readFileSync(supervisor.logFile('node-a'), 'utf8')).to.contain('started node-a');
  });

  it('stops the whole process group, children included', async () => {
    supervisor.start(spec('node-b'));
    await sleep(200);
    const child = Number(readFileSync(join(dir, 'node-b.child'), 'utf8'));
    expect(processAlive(child)).to.equal(true);
    await supervisor.stop('node-b');
    expect(supervisor.isRunning('node-b')).to.equal(false);
    expect(processAlive(child)).to.equal(false);
  });

  it('restarts a stopped process from its recorded launch spec', async () => {
    const first = supervisor.start(spec('node-c'));
    await supervisor.stop('node-c', { signal: 'SIGKILL' });
    const second = supervisor.restart('node-c');
    expect(second).to.not.equal(first);
    expect(supervisor.isRunning('node-c')).to.equal(true);
    expect(supervisor.names()).to.deep.equal(['node-c']);
  });

  it('refuses to start a second copy of a running process', () => {
    supervisor.start(spec('node-d'));
    expect(() => supervisor.start(spec('node-d'))).to.throw(/node-d is already running/);
  });

  it('refuses to restart a process it never started', () => {
    expect(() => supervisor.restart('ghost')).to.throw(/no process named ghost/);
    expect(existsSync(join(dir, 'processes', 'ghost.pid'))).to.equal(false);
  });
});
