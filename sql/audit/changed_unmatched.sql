-- name: ChangedUnmatched
-- Claims holding a *.not_in_ledger finding in their current verdict, when the
-- ledger got new entries under the claim's brand (by brand key) or a new claim
-- version of any brand arrived. The detail of those findings triages the
-- serial (contract §3: "likely typo of S", "inside uploaded range A..B"), and
-- that depends on the neighbouring serials of the brand in the ledger and on
-- which serials other claims list, not only on the claimed serial itself.
-- Such claims are few.
INSERT INTO changed_claims
WITH unmatched AS (
    SELECT DISTINCT f.claim_id, f.component
    FROM findings_current f
    WHERE f.rule IN ('panel.not_in_ledger', 'inverter.not_in_ledger')
), new_brands AS (
    SELECT DISTINCT 'panel' AS component, k.brand_key
    FROM (SELECT DISTINCT licensee AS name FROM panel_ledger
          WHERE file_id > (SELECT since_file_id FROM scope_params)) l
    JOIN name_keys k USING (name)
    UNION
    SELECT DISTINCT 'inverter' AS component, k.brand_key
    FROM (SELECT DISTINCT manufacturer AS name FROM inverter_ledger
          WHERE file_id > (SELECT since_file_id FROM scope_params)) l
    JOIN name_keys k USING (name)
), any_new_claims AS (
    SELECT count(*) > 0 AS yes
    FROM claims
    WHERE file_id > (SELECT since_file_id FROM scope_params)
)
SELECT u.claim_id, 'unmatched' AS trigger
FROM unmatched u
JOIN claims_current c USING (claim_id)
JOIN name_keys k ON k.name = CASE u.component WHEN 'panel' THEN c.panel_brand ELSE c.inverter_manufacturer END
WHERE (SELECT yes FROM any_new_claims)
   OR EXISTS (SELECT 1 FROM new_brands b WHERE b.component = u.component AND b.brand_key = k.brand_key);
