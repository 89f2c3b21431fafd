-- name: ChangedListingRows
-- Every listing, in the current version of a claim, of a serial of
-- changed_serials. One pass over claim_serials that hashes only the serial
-- column against the night's few serials (listings is MATERIALIZED: it is
-- read twice below, and would otherwise be a second pass); the current
-- version of just the claims found is then looked up (the latest file wins),
-- never the current version of every claim. duplicates.sql refreshes
-- audit_serial_holders from these rows.
CREATE OR REPLACE TEMP TABLE changed_listing_rows AS
WITH listings AS MATERIALIZED (
    SELECT s.claim_id, s.file_id, s.component, s.serial_norm
    FROM claim_serials s
    WHERE s.serial_norm IN (SELECT serial_norm FROM changed_serials)
), latest AS (
    SELECT claim_id, max(file_id) AS file_id
    FROM claims
    WHERE claim_id IN (SELECT claim_id FROM listings)
    GROUP BY claim_id
)
SELECT l.claim_id, l.file_id, l.component, l.serial_norm
FROM listings l
JOIN latest USING (claim_id, file_id);

-- name: ChangedByListing
-- The claims whose current version lists a serial of changed_serials, with
-- that serial's trigger.
INSERT INTO changed_claims
SELECT DISTINCT r.claim_id, c.trigger
FROM changed_listing_rows r
JOIN changed_serials c USING (component, serial_norm);
