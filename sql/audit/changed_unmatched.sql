-- name: ChangedUnmatched
-- Claims holding a *.not_in_ledger finding in their current verdict, when the
-- ledger got new entries under the claim's brand (by brand key) or a new claim
-- version of any brand arrived. The detail of those findings triages the
-- serial (contract §3: "likely typo of S", "inside uploaded range A..B"), and
-- that depends on the neighbouring serials of the brand in the ledger and on
-- which serials other claims list, not only on the claimed serial itself.
-- Such claims are few. The current verdict of a claim is its latest result
-- (the latest result of a claim amended since is of an older version; the
-- claim is audited anyway), so only the claims with such a finding are looked
-- up, never the verdict of every claim.
INSERT INTO changed_claims
WITH found AS (
    SELECT run_id, claim_id, component
    FROM findings
    WHERE rule IN ('panel.not_in_ledger', 'inverter.not_in_ledger')
), latest AS (
    SELECT claim_id, max(run_id) AS run_id, arg_max(file_id, run_id) AS file_id
    FROM claim_results
    WHERE claim_id IN (SELECT claim_id FROM found)
    GROUP BY claim_id
), unmatched AS (
    SELECT DISTINCT f.claim_id, f.component, l.file_id
    FROM found f JOIN latest l USING (claim_id, run_id)
), new_brands AS (
    SELECT DISTINCT 'panel' AS component, k.brand_key
    FROM (SELECT DISTINCT licensee AS name FROM panel_ledger
          WHERE file_id > getvariable('audit_since_file_id')) l
    JOIN name_keys k USING (name)
    UNION
    SELECT DISTINCT 'inverter' AS component, k.brand_key
    FROM (SELECT DISTINCT manufacturer AS name FROM inverter_ledger
          WHERE file_id > getvariable('audit_since_file_id')) l
    JOIN name_keys k USING (name)
), any_new_claims AS (
    SELECT count(*) > 0 AS yes
    FROM claims
    WHERE file_id > getvariable('audit_since_file_id')
)
SELECT u.claim_id, 'unmatched' AS trigger
FROM unmatched u
JOIN claims c USING (claim_id, file_id)
JOIN name_keys k ON k.name = CASE u.component WHEN 'panel' THEN c.panel_brand ELSE c.inverter_manufacturer END
WHERE (SELECT yes FROM any_new_claims)
   OR EXISTS (SELECT 1 FROM new_brands b WHERE b.component = u.component AND b.brand_key = k.brand_key);
