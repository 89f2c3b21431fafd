-- name: ForgetHolders
-- audit_serial_holders (sql/schema/11_serial_holders.sql) is made again for
-- the serials whose holders may have changed: every serial when the run
-- audits every claim; else only the serials that new claim versions list or
-- listed (changed_serials, trigger 'claims').
DELETE FROM audit_serial_holders h
WHERE getvariable('audit_all_claims')
   OR EXISTS (SELECT 1 FROM changed_serials c
              WHERE c.trigger = 'claims' AND c.component = h.component AND c.serial_norm = h.serial_norm);

-- name: RememberHolders
-- Their current listings: of every claim (run auditing every claim), or those
-- changed_listings.sql has already found for the changed serials (nightly);
-- a serial listed more than once among them keeps its listings. A run auditing
-- every claim has them in audit_serials already (audit_scope is then every
-- claim's current version, as claim_serials_current joins them): read there,
-- not made again from claim_serials and claims.
INSERT INTO audit_serial_holders
WITH listings AS (
    SELECT claim_id, component, serial_norm FROM audit_serials
    WHERE getvariable('audit_all_claims')
    UNION ALL
    SELECT r.claim_id, r.component, r.serial_norm
    FROM changed_listing_rows r
    SEMI JOIN (SELECT DISTINCT component, serial_norm FROM changed_serials WHERE trigger = 'claims') c
        USING (component, serial_norm)
    WHERE NOT getvariable('audit_all_claims')
), repeated AS (
    SELECT component, serial_norm
    FROM listings
    GROUP BY component, serial_norm
    HAVING count(*) > 1
)
SELECT l.component, l.serial_norm, l.claim_id
FROM listings l
SEMI JOIN repeated USING (component, serial_norm);

-- name: SerialDuplicates
-- Every serial a claim in scope lists that is also in another claim (the latest
-- version of every claim ever loaded, not only this run's), or that the claim
-- lists more than once: the serials of audit_serial_holders. Read by
-- panel.duplicate and inverter.duplicate.
CREATE OR REPLACE TEMP TABLE serial_duplicates AS
WITH mine AS (
    -- a run auditing every claim has just made the holders from audit_serials:
    -- they are the listings sought
    SELECT claim_id, component, serial_norm, count(*) AS times
    FROM audit_serial_holders
    WHERE getvariable('audit_all_claims')
    GROUP BY claim_id, component, serial_norm
    UNION ALL
    -- else the listings of the claims in scope probe the holders (a few
    -- thousand rows), never the other way round: no distinct over every listing
    SELECT a.claim_id, a.component, a.serial_norm, count(*) AS times
    FROM audit_serials a
    SEMI JOIN audit_serial_holders h USING (component, serial_norm)
    WHERE NOT getvariable('audit_all_claims')
    GROUP BY a.claim_id, a.component, a.serial_norm
), holders AS (
    SELECT h.component, h.serial_norm, list(DISTINCT h.claim_id ORDER BY h.claim_id) AS claims
    FROM audit_serial_holders h
    SEMI JOIN (SELECT DISTINCT component, serial_norm FROM mine) m USING (component, serial_norm)
    GROUP BY h.component, h.serial_norm
)
SELECT m.claim_id, m.component, m.serial_norm, m.times,
    list_filter(h.claims, x -> x <> m.claim_id) AS others
FROM mine m JOIN holders h USING (component, serial_norm);

-- name: DropChangedSerials
-- The night's changed serials and their listings are read by no later step.
DROP TABLE IF EXISTS changed_listing_rows;
DROP TABLE IF EXISTS changed_serials;
