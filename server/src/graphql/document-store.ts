import type { DocumentStore } from "@apollo/server";
import type { DocumentNode } from "graphql";

/**
 * Most characters of query text whose parsed documents are kept; past it the store starts again.
 * Clients send few distinct documents; this bounds what many distinct large ones could hold (a
 * document's tree is some tens of times its text), as Apollo's default store bounds it by size.
 */
const MAX_SOURCE_CHARACTERS = 1_000_000;

/**
 * Apollo's store of parsed and validated documents (by the hash of their text), as a plain Map.
 * Apollo's default, an LRU sized by each document's JSON, costs a few percent of a small read's CPU
 * on every hit; here a hit is one Map lookup. Validation depends only on the schema and the document,
 * so a document found here is valid.
 */
export class BoundedDocumentStore implements DocumentStore {
  private readonly documents = new Map<string, DocumentNode>();
  private characters = 0;

  async get(key: string): Promise<DocumentNode | undefined> {
    return this.documents.get(key);
  }

  async set(key: string, document: DocumentNode): Promise<void> {
    const size = document.loc?.source.body.length ?? 0;
    if (this.characters + size > MAX_SOURCE_CHARACTERS) this.clear();
    if (!this.documents.has(key)) this.characters += size;
    this.documents.set(key, document);
  }

  async delete(key: string): Promise<boolean> {
    const document = this.documents.get(key);
    if (document) this.characters -= document.loc?.source.body.length ?? 0;
    return this.documents.delete(key);
  }

  private clear(): void {
    this.documents.clear();
    this.characters = 0;
  }
}
