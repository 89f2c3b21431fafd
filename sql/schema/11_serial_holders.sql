-- name: SerialHolders
-- The listings of every serial listed more than once across the current
-- versions of all claims (contract §3, panel.duplicate and
-- inverter.duplicate): one row per listing, so a claim listing a serial twice
-- has two rows. Kept by the audit in its transaction (sql/audit/duplicates.sql
-- refreshes the serials that new claim versions list or listed), so a nightly
-- run finds the duplicates of its claims here, a small table, instead of in
-- the listings of every claim. Filled here from the whole store.
CREATE OR REPLACE TABLE audit_serial_holders AS
WITH current_listings AS (
    SELECT claim_id, component, serial_norm FROM claim_serials_current
), repeated AS (
    SELECT component, serial_norm
    FROM current_listings
    GROUP BY component, serial_norm
    HAVING count(*) > 1
)
SELECT c.component, c.serial_norm, c.claim_id
FROM current_listings c
SEMI JOIN repeated USING (component, serial_norm);
