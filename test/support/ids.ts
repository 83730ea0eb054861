/** The database ID behind a global ID, for tests that read stored rows (which carry database IDs). */
export function databaseId(globalId: string): string {
  const id = Buffer.from(globalId, "base64url").toString("utf8").split(":")[1];
  if (!id) throw new Error(`${globalId} is not a global ID`);
  return id;
}
