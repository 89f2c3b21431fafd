-- name: Init
-- The store's first schema: every file ingested, every row it loaded (history is
-- kept: nothing is updated in place), and every row it rejected.

-- One row per file seen by ingest, loaded or rejected whole.
CREATE SEQUENCE file_seq START 1;
CREATE TABLE files (
    file_id       BIGINT PRIMARY KEY DEFAULT nextval('file_seq'),
    name          VARCHAR NOT NULL,     -- base name, as rejects.csv shows it
    path          VARCHAR NOT NULL,     -- as given on the command line
    kind          VARCHAR,              -- panel_ledger, inverter_ledger, ...; NULL if unknown
    format        VARCHAR,              -- csv or xlsx
    sha256        VARCHAR NOT NULL,
    size_bytes    BIGINT NOT NULL,
    status        VARCHAR NOT NULL CHECK (status IN ('loaded', 'rejected')),
    error         VARCHAR,              -- why a rejected file was rejected
    rows_loaded   BIGINT NOT NULL DEFAULT 0,
    rows_rejected BIGINT NOT NULL DEFAULT 0,
    ingested_at   TIMESTAMP NOT NULL
);

-- Rows (or whole files, with line NULL) quarantined at ingest.
CREATE TABLE rejects (
    file_id     BIGINT NOT NULL,
    line        BIGINT,                 -- physical line (1 = header); xlsx: row number
    column_name VARCHAR,                -- the header as written in the file
    value       VARCHAR,
    reason      VARCHAR NOT NULL
);

CREATE TABLE panel_ledger (
    file_id         BIGINT NOT NULL,
    line            BIGINT NOT NULL,
    supplier_name   VARCHAR NOT NULL,
    supplier_norm   VARCHAR NOT NULL,
    licensee        VARCHAR NOT NULL,
    licensee_norm   VARCHAR NOT NULL,
    model_number    VARCHAR NOT NULL,
    model_norm      VARCHAR NOT NULL,
    serial_number   VARCHAR NOT NULL,   -- as written
    serial_norm     VARCHAR NOT NULL,   -- trimmed, upper-case, no white space
    uploaded_at     TIMESTAMP NOT NULL, -- blank in the file: the ingest time
    status          VARCHAR NOT NULL,   -- valid | invalid
    reason          VARCHAR
);

CREATE TABLE inverter_ledger (
    file_id           BIGINT NOT NULL,
    line              BIGINT NOT NULL,
    manufacturer      VARCHAR NOT NULL,
    manufacturer_norm VARCHAR NOT NULL,
    model_number      VARCHAR NOT NULL,
    model_norm        VARCHAR NOT NULL,
    series            VARCHAR,
    series_norm       VARCHAR,
    serial_number     VARCHAR NOT NULL,
    serial_norm       VARCHAR NOT NULL,
    uploaded_at       TIMESTAMP NOT NULL,
    status            VARCHAR NOT NULL,
    reason            VARCHAR
);

CREATE TABLE cec_modules (
    file_id        BIGINT NOT NULL,
    line           BIGINT NOT NULL,
    licensee       VARCHAR NOT NULL,
    licensee_norm  VARCHAR NOT NULL,
    model_number   VARCHAR NOT NULL,
    model_norm     VARCHAR NOT NULL,
    rated_power_w  DECIMAL(10, 3),
    approved_on    DATE NOT NULL,
    expires_on     DATE NOT NULL
);

CREATE TABLE cec_inverters (
    file_id           BIGINT NOT NULL,
    line              BIGINT NOT NULL,
    manufacturer      VARCHAR NOT NULL,
    manufacturer_norm VARCHAR NOT NULL,
    series            VARCHAR,
    series_norm       VARCHAR,
    model_number      VARCHAR NOT NULL,
    model_norm        VARCHAR NOT NULL,
    ac_power_kw       DECIMAL(10, 3),
    approved_on       DATE NOT NULL,
    expires_on        DATE NOT NULL
);

CREATE TABLE suppliers (
    file_id         BIGINT NOT NULL,
    line            BIGINT NOT NULL,
    supplier_name   VARCHAR NOT NULL,
    supplier_norm   VARCHAR NOT NULL,
    abn             VARCHAR,            -- 11 digits, spaces removed
    product         VARCHAR NOT NULL,   -- panel | inverter
    brand           VARCHAR NOT NULL,
    brand_norm      VARCHAR NOT NULL,
    authorised_from DATE NOT NULL,
    authorised_to   DATE                -- NULL: open-ended
);

-- Every version of every claim; the latest file's row is the current one.
CREATE TABLE claims (
    file_id                BIGINT NOT NULL,
    line                   BIGINT NOT NULL,
    claim_id               VARCHAR NOT NULL,
    submitted_on           DATE NOT NULL,
    installed_on           DATE NOT NULL,
    postcode               VARCHAR NOT NULL,  -- four digits
    rated_output_kw        DECIMAL(12, 3) NOT NULL,
    panel_count            INTEGER NOT NULL,
    panel_brand            VARCHAR NOT NULL,
    panel_brand_norm       VARCHAR NOT NULL,
    panel_model            VARCHAR NOT NULL,
    panel_model_norm       VARCHAR NOT NULL,
    inverter_manufacturer  VARCHAR NOT NULL,
    inverter_manufacturer_norm VARCHAR NOT NULL,
    inverter_series        VARCHAR,
    inverter_series_norm   VARCHAR,
    inverter_model         VARCHAR NOT NULL,
    inverter_model_norm    VARCHAR NOT NULL,
    deeming_years          INTEGER NOT NULL,
    stcs_claimed           INTEGER NOT NULL,
    installer_id           VARCHAR,
    panel_serials          VARCHAR NOT NULL,  -- the cell as written
    inverter_serials       VARCHAR NOT NULL
);

-- The serial lists of every claim version, split: one row per listed serial.
CREATE TABLE claim_serials (
    file_id       BIGINT NOT NULL,
    claim_id      VARCHAR NOT NULL,
    component     VARCHAR NOT NULL,   -- panel | inverter
    position      INTEGER NOT NULL,   -- 1-based place in the list
    serial_number VARCHAR NOT NULL,
    serial_norm   VARCHAR NOT NULL
);
