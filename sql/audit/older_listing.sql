-- name: OlderListing
-- The listings in file audit_hit_file whose serial key is audit_hit_key (a
-- row of older_listing_hits, sql/audit/changed_listings.sql): candidates,
-- which changed_listing_rows.sql confirms on the text. getvariable() is a
-- constant when the statement is planned, so both filters reach the scan of
-- claim_serials: it reads the file's row groups, and the text columns only of
-- the vectors holding the key (a few ms). Confirming here would cost a hash
-- table of every changed serial per statement.
INSERT INTO changed_listings_found
SELECT claim_id, file_id, component, serial_norm
FROM claim_serials
WHERE file_id = getvariable('audit_hit_file') AND serial_key = getvariable('audit_hit_key');
