-- name: CheckPanelLedger
CREATE OR REPLACE TEMP TABLE checked AS
SELECT line,
    cell(supplier_name) AS supplier_name,
    cell(licensee) AS licensee,
    cell(model_number) AS model_number,
    cell(serial_number) AS serial_number,
    coalesce(parse_timestamp(uploaded_at), (SELECT ingested_at FROM stage_file)) AS uploaded_at,
    coalesce(lower(cell(status)), 'valid') AS status,
    cell(reason) AS reason,
    list_filter([
        required('supplier_name', supplier_name),
        required('licensee', licensee),
        required('model_number', model_number),
        required('serial_number', serial_number),
        bad_serial('serial_number', serial_number),
        CASE WHEN cell(uploaded_at) IS NOT NULL AND parse_timestamp(uploaded_at) IS NULL
            THEN problem('uploaded_at', uploaded_at, 'not a date or timestamp: use YYYY-MM-DD, DD/MM/YYYY or ISO 8601') END,
        CASE WHEN lower(cell(status)) NOT IN ('valid', 'invalid')
            THEN problem('status', status, 'status must be valid or invalid') END
    ], p -> p IS NOT NULL) AS problems
FROM stage;

-- name: LoadPanelLedger
INSERT INTO panel_ledger
SELECT f.file_id, line,
    supplier_name, norm_name(supplier_name),
    licensee, norm_name(licensee),
    model_number, norm_name(model_number),
    serial_number, norm_serial(serial_number),
    uploaded_at, status, reason
FROM checked CROSS JOIN stage_file f
WHERE len(problems) = 0
ORDER BY line;
