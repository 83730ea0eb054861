/** Options of a {@link DeliveryWaves} queue. */
export interface DeliveryWavesOptions<Item> {
  /** The most items one wave takes. */
  waveSize: number;
  /** The most waves running at once. */
  parallelWaves: number;
  /** Handles one wave; a rejection fails every caller with an item in it. */
  run: (items: Item[]) => Promise<void>;
}

interface Caller {
  left: number;
  /** The first failure of a wave that held one of its items. */
  failure?: { error: unknown };
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** One of the caller's items was handled (or its wave failed): settles it once none is left. */
function handled(caller: Caller, failure?: { error: unknown }): void {
  caller.failure ??= failure;
  if (--caller.left > 0) return;
  if (caller.failure) caller.reject(caller.failure.error);
  else caller.resolve();
}

/**
 * Items from many callers (the jobs running in this process), handled in waves: at most
 * `parallelWaves` at once, each of up to `waveSize` items. Items that arrive while the waves are
 * full wait and go together in the next wave, so concurrent callers share one claim and one
 * settlement instead of making their own. A caller's promise settles once every item it added was
 * handled: it rejects with the first failure of a wave that held one of them, but only then, so a
 * job that fails is not run again while its other items are still being sent.
 */
export class DeliveryWaves<Item> {
  private readonly waiting: Array<{ item: Item; caller: Caller }> = [];
  private running = 0;

  constructor(private readonly options: DeliveryWavesOptions<Item>) {}

  add(items: readonly Item[]): Promise<void> {
    if (!items.length) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const caller: Caller = { left: items.length, resolve, reject };
      for (const item of items) this.waiting.push({ item, caller });
      this.startWaves();
    });
  }

  /** Items added and not yet handled. */
  get backlog(): number {
    return this.waiting.length;
  }

  private startWaves(): void {
    while (this.running < this.options.parallelWaves && this.waiting.length) {
      const wave = this.waiting.splice(0, this.options.waveSize);
      this.running++;
      this.options
        .run(wave.map(({ item }) => item))
        .then(
          () => {
            for (const { caller } of wave) handled(caller);
          },
          (error: unknown) => {
            for (const { caller } of wave) handled(caller, { error });
          },
        )
        .finally(() => {
          this.running--;
          this.startWaves();
        });
    }
  }
}
