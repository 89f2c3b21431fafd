-- name: CheckCECModules
CREATE OR REPLACE TEMP TABLE checked AS
SELECT line,
    cell(licensee) AS licensee,
    cell(model_number) AS model_number,
    try_cast(parse_decimal3(rated_power_w) AS DECIMAL(10, 3)) AS rated_power_w,
    parse_date(approved_on) AS approved_on,
    parse_date(expires_on) AS expires_on,
    list_filter([
        required('licensee', licensee),
        required('model_number', model_number),
        coalesce(bad_decimal3('rated_power_w', rated_power_w),
            CASE WHEN cell(rated_power_w) IS NOT NULL AND try_cast(parse_decimal3(rated_power_w) AS DECIMAL(10, 3)) IS NULL
                THEN problem('rated_power_w', rated_power_w, 'number too large') END),
        required('approved_on', approved_on),
        bad_date('approved_on', approved_on),
        required('expires_on', expires_on),
        bad_date('expires_on', expires_on),
        CASE WHEN parse_date(expires_on) < parse_date(approved_on)
            THEN problem('expires_on', expires_on, 'expires before it was approved') END
    ], p -> p IS NOT NULL) AS problems
FROM stage;

-- name: CheckCECModulesProblems
-- The rows with a problem: they are rejects, not loaded.
CREATE OR REPLACE TEMP TABLE bad AS
SELECT line, problems FROM checked WHERE len(problems) > 0;

-- name: LoadCECModules
INSERT INTO cec_modules
SELECT f.file_id, line,
    licensee, norm_name(licensee),
    model_number, norm_name(model_number),
    rated_power_w, approved_on, expires_on
FROM checked CROSS JOIN stage_file f
WHERE len(problems) = 0
ORDER BY line;
