-- name: ChangedByListing
-- The claims whose current version lists a serial of changed_serials, with
-- that serial's trigger. One pass over claim_serials that hashes only the
-- serial column against the night's few serials; the current version of just
-- the claims found is then looked up (the latest file wins), never the
-- current version of every claim.
INSERT INTO changed_claims
WITH listings AS (
    SELECT s.claim_id, s.file_id, s.component, s.serial_norm
    FROM claim_serials s
    WHERE s.serial_norm IN (SELECT serial_norm FROM changed_serials)
), hits AS (
    SELECT DISTINCT l.claim_id, l.file_id, c.trigger
    FROM listings l
    JOIN changed_serials c USING (component, serial_norm)
), latest AS (
    SELECT claim_id, max(file_id) AS file_id
    FROM claims
    WHERE claim_id IN (SELECT claim_id FROM hits)
    GROUP BY claim_id
)
SELECT DISTINCT h.claim_id, h.trigger
FROM hits h
JOIN latest USING (claim_id, file_id);
