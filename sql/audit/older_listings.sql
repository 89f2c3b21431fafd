-- name: OlderListings
-- The listings of a changed serial in the files up to the previous run's
-- mark, in one pass over claim_serials: when the hits of
-- sql/audit/changed_listings.sql are too many to fetch one by one.
INSERT INTO changed_listings_found
SELECT s.claim_id, s.file_id, s.component, s.serial_norm
FROM claim_serials s
WHERE s.file_id <= getvariable('audit_since_file_id')
  AND s.serial_norm IN (SELECT serial_norm FROM changed_serials);
