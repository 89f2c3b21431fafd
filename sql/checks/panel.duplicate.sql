-- name: panel.duplicate (error)
-- The serial is in two or more distinct claims (the latest version of every
-- claim ever loaded, not only this run's), or listed twice in one claim.
WITH mine AS (
    SELECT claim_id, serial_norm, count(*) AS times
    FROM audit_serials WHERE component = 'panel'
    GROUP BY claim_id, serial_norm
), holders AS (
    SELECT serial_norm, list(DISTINCT claim_id ORDER BY claim_id) AS claims
    FROM claim_serials_current
    WHERE component = 'panel' AND serial_norm IN (SELECT serial_norm FROM mine)
    GROUP BY serial_norm
), found AS (
    SELECT m.claim_id, m.serial_norm, m.times,
        list_filter(h.claims, x -> x <> m.claim_id) AS others
    FROM mine m JOIN holders h USING (serial_norm)
)
SELECT claim_id, 'panel' AS component, serial_norm AS serial_number,
    'panel.duplicate' AS rule, 'error' AS severity,
    concat_ws('; ',
        CASE WHEN len(others) > 0 THEN 'also claimed in ' || array_to_string(others[1:5], ', ') ||
            CASE WHEN len(others) > 5 THEN ' and ' || (len(others) - 5) || ' more' ELSE '' END END,
        CASE WHEN times > 1 THEN 'listed ' || times || ' times in this claim' END) AS detail
FROM found
WHERE len(others) > 0 OR times > 1;
