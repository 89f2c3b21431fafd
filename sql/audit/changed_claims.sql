-- name: ChangedByClaims
-- Serials that a claim now lists or no longer lists: every serial of every
-- version (old and new) of the claims that got a new version since the
-- previous run. A new or amended claim can create a duplicate (both sides are
-- re-audited), and an amendment can take a serial away, which ends a duplicate
-- for the claim left holding it. Every version, not only the one just
-- replaced, keeps the rule simple; it costs little. The claims whose current
-- version lists one are re-audited (changed_listings.sql).
INSERT INTO changed_serials
WITH touched AS (
    -- the new versions, and the claims they belong to
    SELECT claim_id, file_id
    FROM claims
    WHERE file_id > getvariable('audit_since_file_id')
), older AS (
    -- the earlier versions of those claims (none for a new claim)
    SELECT claim_id, file_id
    FROM claims
    WHERE claim_id IN (SELECT claim_id FROM touched)
      AND file_id <= getvariable('audit_since_file_id')
)
SELECT DISTINCT component, serial_norm, 'claims' AS trigger
FROM claim_serials
WHERE file_id > getvariable('audit_since_file_id')
UNION
SELECT DISTINCT s.component, s.serial_norm, 'claims' AS trigger
FROM claim_serials s
SEMI JOIN older USING (claim_id, file_id);
