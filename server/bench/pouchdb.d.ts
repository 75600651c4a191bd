/**
 * The few parts of PouchDB 9 (`pouchdb-node`), `pouchdb-adapter-memory` and `express-pouchdb`
 * 4.2 that the benchmarks use. These packages ship no types and are benchmark-only dev
 * dependencies, so a small local declaration stands in for @types/pouchdb-*.
 */
declare module 'pouchdb-node' {
  export interface PouchDoc {
    _id: string;
    _rev?: string;
    [field: string]: unknown;
  }
  export interface BulkResult {
    ok?: boolean;
    id?: string;
    rev?: string;
    error?: string;
    reason?: string;
  }
  export interface DatabaseInfo {
    db_name: string;
    doc_count: number;
    update_seq: number | string;
  }
  export interface ReplicationResult {
    ok: boolean;
    status: string;
    docs_read: number;
    docs_written: number;
    doc_write_failures: number;
    errors: unknown[];
  }
  export interface ReplicateOptions {
    batch_size?: number;
    batches_limit?: number;
    checkpoint?: false | 'source' | 'target';
  }
  export interface Database {
    readonly name: string;
    bulkDocs(docs: PouchDoc[]): Promise<BulkResult[]>;
    info(): Promise<DatabaseInfo>;
    close(): Promise<void>;
    destroy(): Promise<void>;
  }
  export interface DatabaseOptions {
    adapter?: string;
    prefix?: string;
    skip_setup?: boolean;
  }
  export interface PouchDBStatic {
    new (name: string, options?: DatabaseOptions): Database;
    plugin(plugin: unknown): PouchDBStatic;
    defaults(options: DatabaseOptions): PouchDBStatic;
    /** An event emitter that is also a thenable resolving when a one-shot replication ends. */
    replicate(source: Database | string, target: Database | string, options?: ReplicateOptions): PromiseLike<ReplicationResult>;
  }
  const PouchDB: PouchDBStatic;
  export default PouchDB;
}

declare module 'pouchdb-adapter-memory' {
  const memoryAdapter: (PouchDB: unknown) => void;
  export default memoryAdapter;
}

declare module 'express-pouchdb' {
  import type { RequestListener } from 'node:http';
  import type { PouchDBStatic } from 'pouchdb-node';
  export interface ExpressPouchDBOptions {
    /** 'fullCouchDB' (default) or 'minimumForPouchDB': only the routes replication needs. */
    mode?: 'fullCouchDB' | 'minimumForPouchDB';
    inMemoryConfig?: boolean;
    logPath?: string;
    configPath?: string;
  }
  function expressPouchDB(PouchDB: PouchDBStatic, options?: ExpressPouchDBOptions): RequestListener;
  export default expressPouchDB;
}
