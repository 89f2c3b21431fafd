-- name: SerialDuplicates
-- Every serial a claim in scope lists that is also in another claim (the latest
-- version of every claim ever loaded, not only this run's), or that the claim
-- lists more than once. Read by panel.duplicate and inverter.duplicate.
CREATE OR REPLACE TEMP TABLE serial_duplicates AS
WITH repeated AS (
    -- serials listed more than once across the latest versions of all claims
    SELECT component, serial_norm
    FROM claim_serials_current
    GROUP BY component, serial_norm
    HAVING count(*) > 1
), holders AS (
    SELECT s.component, s.serial_norm, list(DISTINCT s.claim_id ORDER BY s.claim_id) AS claims
    FROM claim_serials_current s
    SEMI JOIN repeated USING (component, serial_norm)
    GROUP BY s.component, s.serial_norm
), mine AS (
    SELECT a.claim_id, a.component, a.serial_norm, count(*) AS times
    FROM audit_serials a
    SEMI JOIN repeated USING (component, serial_norm)
    GROUP BY a.claim_id, a.component, a.serial_norm
)
SELECT m.claim_id, m.component, m.serial_norm, m.times,
    list_filter(h.claims, x -> x <> m.claim_id) AS others
FROM mine m JOIN holders h USING (component, serial_norm);
