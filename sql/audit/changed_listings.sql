-- name: ChangedKeys
-- The integer keys of the serials of changed_serials (text_key, as
-- claim_serials.serial_key: sql/schema/13_triage_keys.sql).
CREATE OR REPLACE TEMP TABLE changed_keys AS
SELECT DISTINCT text_key(serial_norm) AS serial_key FROM changed_serials;

-- name: OlderListingHits
-- Where the listings of files up to the previous run's mark hold a changed
-- serial's key: (file, key) pairs, from one pass over two integer columns of
-- claim_serials. DuckDB 1.1 reads every projected column of every row a join
-- scans, so the serial text, claim id and component of tens of millions of
-- listings are not read here; pipeline/audit then fetches the few listings
-- found (sql/audit/older_listing.sql) and the text confirms them: a key is a
-- hash, two serials can share one.
CREATE OR REPLACE TEMP TABLE older_listing_hits AS
SELECT DISTINCT s.file_id, s.serial_key
FROM claim_serials s
WHERE s.file_id <= getvariable('audit_since_file_id')
  AND s.serial_key IN (SELECT serial_key FROM changed_keys);

-- name: NightListings
-- The listings of a changed serial in the files loaded since the previous
-- run: the filter on file_id skips the row groups of every older file.
-- The older ones are added by pipeline/audit (older_listing.sql for each
-- hit, or older_listings.sql).
CREATE OR REPLACE TEMP TABLE changed_listings_found AS
SELECT s.claim_id, s.file_id, s.component, s.serial_norm
FROM claim_serials s
WHERE s.file_id > getvariable('audit_since_file_id')
  AND s.serial_norm IN (SELECT serial_norm FROM changed_serials);
