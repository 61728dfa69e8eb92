/**
 * Preloaded into a process (`NODE_OPTIONS=--require …/cpu-profiler.js`, with CPU_PROFILE_DIR set)
 * to write a V8 CPU profile when it exits: Node 20 refuses `--cpu-prof` in NODE_OPTIONS, and the
 * gateway under test is started by the benchmark, not by hand.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const directory = process.env.CPU_PROFILE_DIR;
if (directory) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.start');
  // An in-process inspector session answers synchronously, so the profile is written before exit.
  process.on('exit', () => {
    session.post('Profiler.stop', (error, result) => {
      if (!error)
        writeFileSync(join(directory, `gateway-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
