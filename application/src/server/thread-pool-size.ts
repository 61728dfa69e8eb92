import { availableParallelism } from 'node:os';

/**
 * Sizes libuv's thread pool, where signing, verification and LevelDB's writes and fsyncs run:
 * twice the cores, at least Node's default of 4. Threads beyond that do not add CPU: each busy one
 * takes a share of the cores from the event loop, which on two cores is what bounds the embedded
 * network and the IoT bridge. Measured on two cores against the former 16 threads: IoT MQTT
 * 7.3–7.9k → 8.1–9.6k readings/s, embedded `Put` 562–727 → 618–852 tx/s with 2–4 threads.
 * Must run before anything uses the pool (it reads the variable when it first starts); an
 * operator's UV_THREADPOOL_SIZE wins.
 */
export function sizeThreadPool(env: NodeJS.ProcessEnv = process.env): void {
  env.UV_THREADPOOL_SIZE = env.UV_THREADPOOL_SIZE || String(Math.max(4, 2 * availableParallelism()));
}
