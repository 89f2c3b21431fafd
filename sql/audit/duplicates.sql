-- name: SerialDuplicates
-- Every serial a claim in scope lists that is also in another claim (the latest
-- version of every claim ever loaded, not only this run's), or that the claim
-- lists more than once. Read by panel.duplicate and inverter.duplicate.
-- Starts from the serials in scope: one pass over claim_serials hashes only the
-- serial column against them, and the current version of just the claims
-- found is looked up (the latest file wins), so no step groups or ranks the
-- listings of every claim.
CREATE OR REPLACE TEMP TABLE serial_duplicates AS
WITH listings AS (
    -- every listing of a serial in scope, in any version of any claim
    SELECT s.claim_id, s.file_id, s.component, s.serial_norm
    FROM claim_serials s
    WHERE s.serial_norm IN (SELECT serial_norm FROM audit_serials)
), latest AS (
    SELECT claim_id, max(file_id) AS file_id
    FROM claims
    WHERE claim_id IN (SELECT claim_id FROM listings)
    GROUP BY claim_id
), current_listings AS (
    SELECT l.claim_id, l.component, l.serial_norm
    FROM listings l JOIN latest USING (claim_id, file_id)
), repeated AS (
    -- serials listed more than once across the latest versions of all claims
    SELECT component, serial_norm
    FROM current_listings
    GROUP BY component, serial_norm
    HAVING count(*) > 1
), holders AS (
    SELECT s.component, s.serial_norm, list(DISTINCT s.claim_id ORDER BY s.claim_id) AS claims
    FROM current_listings s
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
