/**
 * Callers waiting for an index that follows a chain block by block (the Fabric connector's key
 * history, the explorer index) to hold the blocks below a height.
 */
export class HeightWaiters {
  private readonly waiting = new Set<{ height: number; resolve: () => void }>();

  /** Releases the callers waiting for `height` or less. */
  reached(height: number): void {
    for (const waiter of [...this.waiting]) {
      if (waiter.height <= height) {
        this.waiting.delete(waiter);
        waiter.resolve();
      }
    }
  }

  /** Resolves true once `reached` is told `height` or more, false after `timeoutMs`. */
  async wait(height: number, timeoutMs: number): Promise<boolean> {
    let waiter: { height: number; resolve: () => void } | undefined;
    const arrived = new Promise<boolean>((resolve) => {
      waiter = { height, resolve: () => resolve(true) };
      this.waiting.add(waiter);
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([arrived, timedOut]);
    } finally {
      clearTimeout(timer);
      this.waiting.delete(waiter!);
    }
  }
}
