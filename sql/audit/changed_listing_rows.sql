-- name: ChangedListingRows
-- Every listing, in the current version of a claim, of a serial of
-- changed_serials: those found (changed_listings_found), kept where their
-- serial is one (the text confirms a key) and their file holds the claim's
-- current version (the latest file wins). Only the
-- current version of the claims found is looked up, never the current
-- version of every claim. duplicates.sql refreshes audit_serial_holders from
-- these rows.
CREATE OR REPLACE TEMP TABLE changed_listing_rows AS
WITH latest AS (
    SELECT claim_id, max(file_id) AS file_id
    FROM claims
    WHERE claim_id IN (SELECT claim_id FROM changed_listings_found)
    GROUP BY claim_id
)
SELECT l.claim_id, l.file_id, l.component, l.serial_norm
FROM changed_listings_found l
JOIN latest USING (claim_id, file_id)
WHERE l.serial_norm IN (SELECT serial_norm FROM changed_serials);

-- name: ChangedByListing
-- The claims whose current version lists a serial of changed_serials, with
-- that serial's trigger.
INSERT INTO changed_claims
SELECT DISTINCT r.claim_id, c.trigger
FROM changed_listing_rows r
JOIN changed_serials c USING (component, serial_norm);

-- name: DropFound
DROP TABLE changed_keys;
DROP TABLE older_listing_hits;
DROP TABLE changed_listings_found;
