import type { Migration } from './types'

/**
 * The model manager: installed models (verified downloads and imported files) and downloads.
 *
 * A download's partial file is `<modelsDir>/.partial/<id>.part`; its size on disk is the truth
 * about how much was received (`received_bytes` is refreshed from it on start-up). At most one
 * unfinished download per catalog entry (the partial unique index).
 */
export const migration004Models: Migration = {
  version: 4,
  name: 'models',
  up(db) {
    db.exec(`
      CREATE TABLE models (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        path TEXT NOT NULL UNIQUE,
        size_bytes INTEGER NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('catalog', 'import')),
        catalog_id TEXT,
        sha256 TEXT,
        architecture TEXT,
        context_length INTEGER,
        parameter_count INTEGER,
        header TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX models_by_catalog ON models (catalog_id);

      CREATE TABLE model_downloads (
        id TEXT PRIMARY KEY,
        catalog_id TEXT NOT NULL,
        name TEXT NOT NULL,
        url TEXT NOT NULL,
        file_name TEXT NOT NULL,
        state TEXT NOT NULL
          CHECK (state IN ('queued', 'downloading', 'paused', 'verifying', 'completed', 'failed', 'cancelled')),
        received_bytes INTEGER NOT NULL DEFAULT 0,
        total_bytes INTEGER,
        expected_sha256 TEXT,
        linked_sha256 TEXT,
        etag TEXT,
        last_modified TEXT,
        error TEXT,
        model_id TEXT REFERENCES models (id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX model_downloads_by_created ON model_downloads (created_at DESC);
      CREATE UNIQUE INDEX model_downloads_one_active ON model_downloads (catalog_id)
        WHERE state IN ('queued', 'downloading', 'paused', 'verifying');
    `)
  }
}
