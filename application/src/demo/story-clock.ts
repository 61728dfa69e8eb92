/** How the story reads the time and waits for a moment of the market or of a vote. */
export interface StoryClock {
  now(): number;
  /** True when waiting moves the clock rather than passing real time. */
  readonly skipsWaits: boolean;
  /** Resolves once `time` (ms since the epoch) has passed on this clock. */
  waitUntil(time: number): Promise<void>;
}

/** A gateway someone else runs keeps the wall clock's time, so the story waits for it. */
export const wallClock: StoryClock = {
  now: () => Date.now(),
  skipsWaits: false,
  waitUntil: (time) => new Promise((resolve) => setTimeout(resolve, Math.max(0, time - Date.now()))),
};

/**
 * For an embedded network the demo starts itself: the network stamps its proposals with this
 * clock, which runs with the wall clock but jumps over every wait, so the market interval and the
 * voting window pass at once instead of in minutes.
 */
export function skippingClock(): StoryClock {
  let skipped = 0;
  const now = () => Date.now() + skipped;
  return {
    now,
    skipsWaits: true,
    async waitUntil(time) {
      skipped += Math.max(0, time - now());
    },
  };
}
