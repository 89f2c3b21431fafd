-- name: Audit
-- Audit runs and what they found. A run's rows are written in one transaction.

CREATE SEQUENCE audit_run_seq START 1;
CREATE TABLE audit_runs (
    run_id        BIGINT PRIMARY KEY,
    started_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP NOT NULL,
    scope         VARCHAR NOT NULL,     -- new | all
    last_file_id  BIGINT NOT NULL,      -- the newest file the run saw
    claims        BIGINT NOT NULL,
    passed        BIGINT NOT NULL,
    review        BIGINT NOT NULL,
    failed        BIGINT NOT NULL,
    findings      BIGINT NOT NULL,
    config        VARCHAR NOT NULL      -- the STC configuration used, as JSON
);

-- One row per claim version audited by a run.
CREATE TABLE claim_results (
    run_id        BIGINT NOT NULL,
    claim_id      VARCHAR NOT NULL,
    file_id       BIGINT NOT NULL,      -- the claim version audited
    status        VARCHAR NOT NULL,     -- pass | review | fail
    errors        INTEGER NOT NULL,
    warnings      INTEGER NOT NULL,
    stcs_claimed  INTEGER NOT NULL,
    stcs_computed INTEGER,              -- NULL where the postcode has no zone
    stcs_at_risk  INTEGER NOT NULL
);

CREATE TABLE findings (
    run_id        BIGINT NOT NULL,
    claim_id      VARCHAR NOT NULL,
    component     VARCHAR NOT NULL,     -- claim | panel | inverter
    serial_number VARCHAR NOT NULL,     -- normalised; '' for claim-level findings
    rule          VARCHAR NOT NULL,
    severity      VARCHAR NOT NULL,     -- error | warning
    detail        VARCHAR NOT NULL
);
