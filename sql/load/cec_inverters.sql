-- name: CheckCECInverters
CREATE OR REPLACE TEMP TABLE checked AS
SELECT line,
    cell(manufacturer) AS manufacturer,
    cell(series) AS series,
    cell(model_number) AS model_number,
    try_cast(parse_decimal3(ac_power_kw) AS DECIMAL(10, 3)) AS ac_power_kw,
    parse_date(approved_on) AS approved_on,
    parse_date(expires_on) AS expires_on,
    list_filter([
        required('manufacturer', manufacturer),
        required('model_number', model_number),
        coalesce(bad_decimal3('ac_power_kw', ac_power_kw),
            CASE WHEN cell(ac_power_kw) IS NOT NULL AND try_cast(parse_decimal3(ac_power_kw) AS DECIMAL(10, 3)) IS NULL
                THEN problem('ac_power_kw', ac_power_kw, 'number too large') END),
        required('approved_on', approved_on),
        bad_date('approved_on', approved_on),
        required('expires_on', expires_on),
        bad_date('expires_on', expires_on),
        CASE WHEN parse_date(expires_on) < parse_date(approved_on)
            THEN problem('expires_on', expires_on, 'expires before it was approved') END
    ], p -> p IS NOT NULL) AS problems
FROM stage;

-- name: CheckCECInvertersProblems
-- The rows with a problem: they are rejects, not loaded.
CREATE OR REPLACE TEMP TABLE bad AS
SELECT line, problems FROM checked WHERE len(problems) > 0;

-- name: LoadCECInverters
INSERT INTO cec_inverters
SELECT f.file_id, line,
    manufacturer, norm_name(manufacturer),
    series, norm_name(series),
    model_number, norm_name(model_number),
    ac_power_kw, approved_on, expires_on
FROM checked CROSS JOIN stage_file f
WHERE len(problems) = 0
ORDER BY line;
