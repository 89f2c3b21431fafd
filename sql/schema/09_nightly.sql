-- name: Nightly
-- What a nightly run needs to know about the previous one, and what changed.

-- The SHA-256 of what decides a verdict besides the data: the configuration the
-- checks use, the SQL of the audit and its checks, the schema version. When it
-- differs from the previous run's, the next run audits every claim.
ALTER TABLE audit_runs ADD COLUMN config_sha256 VARCHAR;

-- How many files had file_id <= last_file_id when the run looked. A later count
-- that is larger means a file committed below the mark after the run (two
-- writers at once); the next run then audits every claim rather than miss it.
ALTER TABLE audit_runs ADD COLUMN files_seen BIGINT;

-- Each re-audited claim whose verdict or findings differ from its previous
-- audit (changes.csv). The findings columns list 'rule:serial' entries (just
-- the rule for a claim-level finding), sorted, joined by '; '.
CREATE TABLE claim_changes (
    run_id            BIGINT NOT NULL,
    claim_id          VARCHAR NOT NULL,
    previous_run_id   BIGINT NOT NULL,
    previous_status   VARCHAR NOT NULL,
    status            VARCHAR NOT NULL,
    findings_added    VARCHAR NOT NULL,
    findings_resolved VARCHAR NOT NULL
);
