-- name: CheckInverterLedger
CREATE OR REPLACE TEMP TABLE checked AS
-- A ledger has millions of rows but few distinct upload times: each distinct
-- text is parsed once.
WITH stamps AS (
    SELECT DISTINCT uploaded_at AS raw, parse_timestamp(uploaded_at) AS ts
    FROM stage WHERE cell(uploaded_at) IS NOT NULL
)
SELECT line,
    cell(manufacturer) AS manufacturer,
    cell(model_number) AS model_number,
    cell(series) AS series,
    cell(serial_number) AS serial_number,
    coalesce(t.ts, (SELECT ingested_at FROM stage_file)) AS uploaded_at,
    coalesce(lower(cell(status)), 'valid') AS status,
    cell(reason) AS reason,
    list_filter([
        required('manufacturer', manufacturer),
        required('model_number', model_number),
        required('serial_number', serial_number),
        bad_serial('serial_number', serial_number),
        CASE WHEN cell(uploaded_at) IS NOT NULL AND t.ts IS NULL
            THEN problem('uploaded_at', uploaded_at, 'not a date or timestamp: use YYYY-MM-DD, DD/MM/YYYY or ISO 8601') END,
        CASE WHEN lower(cell(status)) NOT IN ('valid', 'invalid')
            THEN problem('status', status, 'status must be valid or invalid') END
    ], p -> p IS NOT NULL) AS problems
FROM stage s LEFT JOIN stamps t ON t.raw = s.uploaded_at;

-- name: NormaliseInverterLedgerNames
-- Each distinct name is normalised once (see panel_ledger.sql).
CREATE OR REPLACE TEMP TABLE names AS
SELECT DISTINCT v AS raw, norm_name(v) AS norm
FROM (SELECT manufacturer AS v FROM checked UNION SELECT model_number FROM checked UNION SELECT series FROM checked)
WHERE v IS NOT NULL;

-- name: LoadInverterLedger
INSERT INTO inverter_ledger
SELECT f.file_id, c.line,
    c.manufacturer, mf.norm,
    c.model_number, m.norm,
    c.series, s.norm,
    c.serial_number, norm_serial(c.serial_number),
    c.uploaded_at, c.status, c.reason
FROM checked c CROSS JOIN stage_file f
JOIN names mf ON mf.raw = c.manufacturer
JOIN names m ON m.raw = c.model_number
LEFT JOIN names s ON s.raw = c.series
WHERE len(c.problems) = 0;
