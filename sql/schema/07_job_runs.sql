-- name: JobRuns
-- One row per run of a job (ingest, nightly-audit, monthly-compliance,
-- weekly-notices), written when the run ends: what started it, how it ended and
-- what it did. `stcrecon status` shows them; serve's catch-up looks for each
-- job's last successful run. Times are UTC.

CREATE SEQUENCE job_run_seq START 1;
CREATE TABLE job_runs (
    run_id            BIGINT PRIMARY KEY,
    job               VARCHAR NOT NULL,
    started_by        VARCHAR NOT NULL,   -- schedule | catch-up | manual
    scheduled_for     TIMESTAMP,          -- the scheduled time a schedule or catch-up run is for
    started_at        TIMESTAMP NOT NULL,
    finished_at       TIMESTAMP NOT NULL,
    outcome           VARCHAR NOT NULL CHECK (outcome IN ('ok', 'rejects', 'failed')),
    files_loaded      INTEGER NOT NULL,   -- moved to the archive
    files_skipped     INTEGER NOT NULL,   -- same content loaded before: archived, nothing loaded
    files_quarantined INTEGER NOT NULL,   -- rejected whole: moved to quarantine
    files_waiting     INTEGER NOT NULL,   -- still being written: left for the next run
    rows_loaded       BIGINT NOT NULL,
    rows_rejected     BIGINT NOT NULL,
    claims            BIGINT NOT NULL,    -- claims audited
    findings          BIGINT NOT NULL,
    audit_run_id      BIGINT,
    output            VARCHAR,            -- the report folder written
    error             VARCHAR,
    host              VARCHAR NOT NULL,
    pid               INTEGER NOT NULL
);
