-- name: ListingAsWritten
-- A listing's serial_number (the serial as written in the claim's list) is
-- NULL when it is its serial_norm, as for nearly every listing: the serial is
-- then stored once, as the ledgers do since sql/schema/17_serial_as_written.sql.
-- Listings loaded before keep their copy; coalesce(serial_number,
-- serial_norm) is the serial as written either way, and the current view
-- below gives it so. No audit or report SQL reads the column.
ALTER TABLE claim_serials ALTER serial_number DROP NOT NULL;

CREATE OR REPLACE VIEW claim_serials_current AS
SELECT s.* REPLACE (coalesce(s.serial_number, s.serial_norm) AS serial_number)
FROM claim_serials s
JOIN claims_current c USING (claim_id, file_id);
