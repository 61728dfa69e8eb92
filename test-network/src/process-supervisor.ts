import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Everything needed to start a node again exactly as `up` or `deploy` started it. */
export interface LaunchSpec {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

/**
 * Native processes supervised through files: each process has its launch spec
 * (`<name>.json`), its PID file (`<name>.pid`) and its log (`logs/<name>.log`), so any later
 * command — `status`, `down`, a fault test restarting one node — finds it without a daemon.
 */
export class ProcessSupervisor {
  constructor(
    private readonly processesDir: string,
    private readonly logsDir: string,
  ) {}

  logFile(name: string): string {
    return join(this.logsDir, `${name}.log`);
  }

  /** Starts a process in its own process group (it and its children stop together). */
  start(spec: LaunchSpec): number {
    if (this.isRunning(spec.name))
      throw new Error(`${spec.name} is already running (pid ${this.pid(spec.name)})`);
    mkdirSync(this.processesDir, { recursive: true });
    mkdirSync(this.logsDir, { recursive: true });
    writeFileSync(this.specFile(spec.name), `${JSON.stringify(spec, null, 2)}\n`);
    const log = openSync(this.logFile(spec.name), 'a');
    try {
      const child = spawn(spec.command, spec.args, {
        cwd: spec.cwd,
        env: spec.env,
        detached: true,
        stdio: ['ignore', log, log],
      });
      if (child.pid === undefined) throw new Error(`${spec.name}: ${spec.command} could not be started`);
      child.unref();
      writeFileSync(this.pidFile(spec.name), `${child.pid}\n`);
      return child.pid;
    } finally {
      closeSync(log);
    }
  }

  /** Starts a process again from the spec it was last started with. */
  restart(name: string): number {
    const file = this.specFile(name);
    if (!existsSync(file)) throw new Error(`no process named ${name} was ever started here`);
    return this.start(JSON.parse(readFileSync(file, 'utf8')) as LaunchSpec);
  }

  pid(name: string): number | undefined {
    const file = this.pidFile(name);
    if (!existsSync(file)) return undefined;
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  }

  isRunning(name: string): boolean {
    const pid = this.pid(name);
    return pid !== undefined && groupAlive(pid);
  }

  /** Every process ever started in this work directory, running or not. */
  names(): string[] {
    if (!existsSync(this.processesDir)) return [];
    return readdirSync(this.processesDir)
      .filter((file) => file.endsWith('.json'))
      .map((file) => file.slice(0, -'.json'.length))
      .sort();
  }

  /**
   * Stops the whole process group: SIGTERM, then SIGKILL after `graceMs`. `kill -9` of a node in a
   * fault test is `stop(name, { signal: 'SIGKILL' })`.
   */
  async stop(name: string, options: { signal?: NodeJS.Signals; graceMs?: number } = {}): Promise<void> {
    const pid = this.pid(name);
    if (pid === undefined) return;
    const deadline = Date.now() + (options.graceMs ?? 10_000);
    signalGroup(pid, options.signal ?? 'SIGTERM');
    while (groupAlive(pid)) {
      if (Date.now() > deadline) {
        signalGroup(pid, 'SIGKILL');
        await sleep(100);
        break;
      }
      await sleep(50);
    }
    rmSync(this.pidFile(name), { force: true });
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.names().map((name) => this.stop(name)));
  }

  private specFile(name: string): string {
    return join(this.processesDir, `${name}.json`);
  }

  private pidFile(name: string): string {
    return join(this.processesDir, `${name}.pid`);
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

function groupAlive(pid: number): boolean {
  return signalZero(-pid);
}

/** Whether a process (not its group) still exists. */
export function processAlive(pid: number): boolean {
  return signalZero(pid);
}

/** Signal 0 probes without signalling; EPERM means it exists but belongs to someone else. */
function signalZero(target: number): boolean {
  try {
    process.kill(target, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
