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
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Items from many callers (the jobs running in this process), handled in waves: at most
 * `parallelWaves` at once, each of up to `waveSize` items. Items that arrive while the waves are
 * full wait and go together in the next wave, so concurrent callers share one claim and one
 * settlement instead of making their own. A caller's promise settles once every item it added was
 * handled, or rejects with the first failure of a wave that held one of them.
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
            for (const { caller } of wave) if (--caller.left === 0) caller.resolve();
          },
          // A promise settles once: a caller rejected by this wave ignores what its other waves say.
          (error: unknown) => {
            for (const { caller } of wave) caller.reject(error);
          },
        )
        .finally(() => {
          this.running--;
          this.startWaves();
        });
    }
  }
}
