-- name: CheckInverterLedgerValues
-- As for the panel ledger: each distinct name, series, upload time and status
-- is checked and normalised once, and the rows look theirs up.
CREATE OR REPLACE TEMP TABLE lookup AS
SELECT 'manufacturer' AS col, raw, cell(raw) AS value, NULL::TIMESTAMP AS ts,
    required('manufacturer', raw) AS problem
FROM (SELECT DISTINCT manufacturer AS raw FROM stage)
UNION ALL
SELECT 'model_number', raw, cell(raw), NULL,
    required('model_number', raw)
FROM (SELECT DISTINCT model_number AS raw FROM stage)
UNION ALL
-- the series is optional
SELECT 'series', raw, cell(raw), NULL, NULL
FROM (SELECT DISTINCT series AS raw FROM stage)
UNION ALL
-- a blank upload time is the ingest time
SELECT 'uploaded_at', raw, NULL, coalesce(parse_timestamp(raw), (SELECT ingested_at FROM stage_file)),
    CASE WHEN cell(raw) IS NOT NULL AND parse_timestamp(raw) IS NULL
        THEN problem('uploaded_at', raw, 'not a date or timestamp: use YYYY-MM-DD, DD/MM/YYYY or ISO 8601') END
FROM (SELECT DISTINCT uploaded_at AS raw FROM stage)
UNION ALL
-- a blank status is valid
SELECT 'status', raw, coalesce(lower(cell(raw)), 'valid'), NULL,
    CASE WHEN lower(cell(raw)) NOT IN ('valid', 'invalid')
        THEN problem('status', raw, 'status must be valid or invalid') END
FROM (SELECT DISTINCT status AS raw FROM stage);

-- name: CheckInverterLedgerRows
-- The rows with a problem, each with every problem it has (in column order).
-- Nearly every row has none, so the rows that may have one are found first
-- (maybe): by two cheap patterns on the serial, different on every row, and
-- by the few values of lookup that have a problem. Only those rows (suspect)
-- have their problems listed, by the same rules as ever (required,
-- bad_serial). The patterns pass over a serial only when neither rule could
-- flag it: every character in the serial set (sql/schema/08_serial_charset.sql),
-- one at least not white space, and not the digits-e-digits of scientific
-- notation (a looser form of is_sci_notation, sql/schema/06_strict_inputs.sql). Both CTEs are MATERIALIZED: inside the file's
-- transaction DuckDB knows little of lookup and would otherwise join every
-- staged row to it before keeping the suspect ones (4x slower).
CREATE OR REPLACE TEMP TABLE bad AS
WITH maybe AS MATERIALIZED (
    -- a serial that is blank, holds a character outside the serial set, or
    -- could be in scientific notation (a superset of the serials with a problem)
    SELECT line FROM stage
    WHERE serial_number IS NULL
        OR NOT regexp_full_match(serial_number, '\s*[A-Za-z0-9./_-][A-Za-z0-9./_\s-]*')
        OR regexp_full_match(serial_number, '\s*[0-9]+(\.[0-9]+)?[eE][+-]?[0-9]+\s*')
    -- a value of lookup that has a problem
    UNION
    SELECT s.line FROM stage s JOIN lookup p
        ON p.col = 'manufacturer' AND p.problem IS NOT NULL AND p.raw IS NOT DISTINCT FROM s.manufacturer
    UNION
    SELECT s.line FROM stage s JOIN lookup p
        ON p.col = 'model_number' AND p.problem IS NOT NULL AND p.raw IS NOT DISTINCT FROM s.model_number
    UNION
    SELECT s.line FROM stage s JOIN lookup p
        ON p.col = 'uploaded_at' AND p.problem IS NOT NULL AND p.raw IS NOT DISTINCT FROM s.uploaded_at
    UNION
    SELECT s.line FROM stage s JOIN lookup p
        ON p.col = 'status' AND p.problem IS NOT NULL AND p.raw IS NOT DISTINCT FROM s.status
),
-- their rows, taken apart first: the joins below then see only them
suspect AS MATERIALIZED (
    SELECT * FROM stage WHERE line IN (SELECT line FROM maybe)
)
SELECT line, list_filter([p_manufacturer, p_model, p_serial, p_serial_text, p_uploaded, p_status],
    p -> p IS NOT NULL) AS problems
FROM (
    SELECT s.line,
        mf.problem AS p_manufacturer,
        mdl.problem AS p_model,
        required('serial_number', s.serial_number) AS p_serial,
        bad_serial('serial_number', s.serial_number) AS p_serial_text,
        upl.problem AS p_uploaded,
        sta.problem AS p_status
    FROM suspect s
    JOIN lookup mf ON mf.col = 'manufacturer' AND mf.raw IS NOT DISTINCT FROM s.manufacturer
    JOIN lookup mdl ON mdl.col = 'model_number' AND mdl.raw IS NOT DISTINCT FROM s.model_number
    JOIN lookup upl ON upl.col = 'uploaded_at' AND upl.raw IS NOT DISTINCT FROM s.uploaded_at
    JOIN lookup sta ON sta.col = 'status' AND sta.raw IS NOT DISTINCT FROM s.status
)
WHERE coalesce(p_manufacturer, p_model, p_serial, p_serial_text, p_uploaded, p_status) IS NOT NULL;

-- name: LoadInverterLedger
-- Every row without a problem, in one INSERT. A serial of plain serial
-- characters (nearly all of them) is its own cell, and its key is its upper
-- case: cell and norm_serial, which trim and strip white space, are kept for
-- the others. The manufacturer, model and series are stored as written (trimmed): the audit
-- compares names by their keys (name_keys), made from the names it meets
-- (sql/schema/15_ledger_name_norms.sql).
INSERT INTO inverter_ledger
SELECT f.file_id, s.line,
    mf.value,
    mdl.value,
    ser.value,
    -- as written, NULL when it is serial_norm (sql/schema/17_serial_as_written.sql)
    nullif(CASE WHEN s.plain THEN s.serial_number ELSE cell(s.serial_number) END, s.serial_norm),
    s.serial_norm,
    upl.ts, sta.value, cell(s.reason),
    -- tail_key, bucket_key (sql/schema/12_serial_keys.sql; tail_key is exact
    -- since sql/schema/16_serial_codes.sql)
    s.tail_key, text_key(left(s.serial_norm, -3)),
    -- tail3 (sql/schema/13_triage_keys.sql), from the tail code
    -- (sql/schema/17_serial_as_written.sql)
    code_tail3(s.tail_key),
    -- head_key (sql/schema/16_serial_codes.sql)
    head_code(s.serial_norm)
-- (serial_norm and tail_key made once, in the subqueries: a select-list
-- alias used in another expression is that expression again, and the keys use
-- them several times each: 1.17 -> 0.81 s for 1.3M rows on one thread)
FROM (
    SELECT *, tail_code(serial_norm) AS tail_key
    FROM (
        SELECT *, CASE WHEN plain THEN upper(serial_number) ELSE norm_serial(cell(serial_number)) END AS serial_norm
        FROM (SELECT *, regexp_full_match(serial_number, '[A-Za-z0-9./_-]+') AS plain FROM stage)
    )
) s
JOIN lookup mf ON mf.col = 'manufacturer' AND mf.raw IS NOT DISTINCT FROM s.manufacturer
JOIN lookup mdl ON mdl.col = 'model_number' AND mdl.raw IS NOT DISTINCT FROM s.model_number
JOIN lookup ser ON ser.col = 'series' AND ser.raw IS NOT DISTINCT FROM s.series
JOIN lookup upl ON upl.col = 'uploaded_at' AND upl.raw IS NOT DISTINCT FROM s.uploaded_at
JOIN lookup sta ON sta.col = 'status' AND sta.raw IS NOT DISTINCT FROM s.status
LEFT JOIN bad b ON b.line = s.line
CROSS JOIN stage_file f
WHERE b.line IS NULL;
