-- name: CheckPanelLedger
CREATE OR REPLACE TEMP TABLE checked AS
-- A ledger has millions of rows but few distinct upload times: each distinct
-- text is parsed once.
WITH stamps AS (
    SELECT DISTINCT uploaded_at AS raw, parse_timestamp(uploaded_at) AS ts
    FROM stage WHERE cell(uploaded_at) IS NOT NULL
)
SELECT line,
    cell(supplier_name) AS supplier_name,
    cell(licensee) AS licensee,
    cell(model_number) AS model_number,
    cell(serial_number) AS serial_number,
    coalesce(t.ts, (SELECT ingested_at FROM stage_file)) AS uploaded_at,
    coalesce(lower(cell(status)), 'valid') AS status,
    cell(reason) AS reason,
    list_filter([
        required('supplier_name', supplier_name),
        required('licensee', licensee),
        required('model_number', model_number),
        required('serial_number', serial_number),
        bad_serial('serial_number', serial_number),
        CASE WHEN cell(uploaded_at) IS NOT NULL AND t.ts IS NULL
            THEN problem('uploaded_at', uploaded_at, 'not a date or timestamp: use YYYY-MM-DD, DD/MM/YYYY or ISO 8601') END,
        CASE WHEN lower(cell(status)) NOT IN ('valid', 'invalid')
            THEN problem('status', status, 'status must be valid or invalid') END
    ], p -> p IS NOT NULL) AS problems
FROM stage s LEFT JOIN stamps t ON t.raw = s.uploaded_at;

-- name: NormalisePanelLedgerNames
-- A ledger has millions of rows but a few hundred distinct names: each distinct
-- name is normalised once, and the rows look theirs up.
CREATE OR REPLACE TEMP TABLE names AS
SELECT DISTINCT v AS raw, norm_name(v) AS norm
FROM (SELECT supplier_name AS v FROM checked UNION SELECT licensee FROM checked UNION SELECT model_number FROM checked)
WHERE v IS NOT NULL;

-- name: LoadPanelLedger
INSERT INTO panel_ledger
SELECT f.file_id, c.line,
    c.supplier_name, s.norm,
    c.licensee, l.norm,
    c.model_number, m.norm,
    c.serial_number, norm_serial(c.serial_number),
    c.uploaded_at, c.status, c.reason
FROM checked c CROSS JOIN stage_file f
JOIN names s ON s.raw = c.supplier_name
JOIN names l ON l.raw = c.licensee
JOIN names m ON m.raw = c.model_number
WHERE len(c.problems) = 0;
