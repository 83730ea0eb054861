import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

const FILE = path.resolve(__dirname, "../../test-results/bench.json");

/** Prints a benchmark's figures and adds them to test-results/bench.json. */
export async function report(name: string, figures: Record<string, unknown>) {
  process.stdout.write(`\n== ${name}\n${JSON.stringify(figures, null, 2)}\n`);
  await mkdir(path.dirname(FILE), { recursive: true });
  const all = await readFile(FILE, "utf8").then(JSON.parse, () => ({}));
  all[name] = { ...figures, measuredAt: new Date().toISOString() };
  await writeFile(FILE, `${JSON.stringify(all, null, 2)}\n`);
}
