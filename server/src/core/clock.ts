/** Where services read the time, so that a job, a test or a replay can say what "now" is. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
