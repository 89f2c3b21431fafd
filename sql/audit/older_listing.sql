-- name: OlderListing
-- The listings in one file whose serial key is one key (a row of
-- older_listing_hits, sql/audit/changed_listings.sql; the key as text, since
-- database/sql passes no uint64 with its high bit set): candidates, which
-- changed_listing_rows.sql confirms on the text. pipeline/audit (lookUp)
-- joins this SELECT with UNION ALL, once per hit, up to lookupBatch a
-- statement, and inserts the rows into changed_listings_found. DuckDB binds
-- the parameters before it plans, so both filters reach the scan of
-- claim_serials: it reads the file's row groups, and the text columns only
-- of the vectors holding the key. Confirming here would cost a hash table of
-- every changed serial per statement.
SELECT claim_id, file_id, component, serial_norm
FROM claim_serials
WHERE file_id = ? AND serial_key = ?::VARCHAR::UBIGINT
