-- name: AuditNamesSince
-- audit_known_names holds every name of the files up to the latest audit run's
-- last_file_id, unless a file was committed below that mark after the run
-- (its files_seen no longer matches): then every row is read again (0).
SET VARIABLE audit_names_since = coalesce((
    SELECT r.last_file_id
    FROM audit_runs r
    WHERE r.run_id = (SELECT max(run_id) FROM audit_runs)
      AND r.files_seen = (SELECT count(*) FROM files f WHERE f.file_id <= r.last_file_id)), 0);

-- name: AuditNames
-- Every distinct name in the store that a check compares: brands, licensees,
-- manufacturers, suppliers and models, as written (the view name_sources).
-- Go makes each one's keys (pipeline/names, under the configuration's brand
-- aliases and model suffixes) into name_keys; the audit then joins on keys.
-- Millions of ledger rows hold a few thousand distinct names, so keys are made
-- per name, never per row, and the names of the rows up to the latest run are
-- read from audit_known_names: only the newer rows are read (the filter on
-- file_id skips the older row groups of every table).
CREATE OR REPLACE TEMP TABLE audit_names AS
SELECT name FROM audit_known_names
UNION
SELECT name FROM name_sources WHERE file_id > getvariable('audit_names_since');

-- name: NameKeys
-- Filled by Go: for each name, its name key; as a brand, its base (company
-- forms dropped) and brand key; as a model, its model key and the
-- certification suffix dropped ('' when none). brand_id and model_id number
-- the distinct brand and model keys in key order, so the big working tables
-- join and rank on integers. name_id numbers the names themselves, in name
-- order: the match tables carry a ledger entry's names as written by it
-- (sql/audit/matches.sql), and a check gets the text back from here.
CREATE OR REPLACE TEMP TABLE name_keys (
    name         VARCHAR PRIMARY KEY,
    name_id      INTEGER NOT NULL,
    name_key     VARCHAR NOT NULL,
    brand_base   VARCHAR NOT NULL,
    brand_key    VARCHAR NOT NULL,
    model_key    VARCHAR NOT NULL,
    model_suffix VARCHAR NOT NULL,
    brand_id     INTEGER NOT NULL,
    model_id     INTEGER NOT NULL
);
