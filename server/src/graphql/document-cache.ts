import type { DocumentNode, GraphQLError } from "graphql";

/** Most distinct documents remembered; past it the cache starts again (clients send few distinct ones). */
const MAX_DOCUMENTS = 1_000;

/**
 * Parsed and validated documents by their text. Thousands of subscribers send the same subscription:
 * it is parsed and validated once, and every subscriber of it shares one `DocumentNode`, which also
 * lets them share its execution per event (graphql/shared-subscribe.ts). Validation depends only on
 * the schema and the document, so its refusals are remembered as well.
 */
export type CheckedDocument = { document: DocumentNode } | { refusals: readonly GraphQLError[] };

export class DocumentCache {
  private readonly checked = new Map<string, CheckedDocument>();

  constructor(private readonly parseAndValidate: (query: string) => CheckedDocument) {}

  get(query: string): CheckedDocument {
    let result = this.checked.get(query);
    if (result === undefined) {
      if (this.checked.size >= MAX_DOCUMENTS) this.checked.clear();
      result = this.parseAndValidate(query);
      this.checked.set(query, result);
    }
    return result;
  }
}
