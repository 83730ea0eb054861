import type { TestServer } from "./server";

/** Reads one counter or gauge from the server's Prometheus endpoint. */
export async function metricValue(server: Pick<TestServer, "url">, name: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${name} `));
  if (!line) throw new Error(`metric ${name} not found`);
  return Number(line.split(" ")[1]);
}
