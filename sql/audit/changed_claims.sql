-- name: ChangedByClaims
-- Claims listing a serial that another claim now lists or no longer lists:
-- every serial of every version (old and new) of the claims that got a new
-- version since the previous run. A new or amended claim can create a
-- duplicate (both sides are re-audited), and an amendment can take a serial
-- away, which ends a duplicate for the claim left holding it. Every version,
-- not only the one just replaced, keeps the rule simple; it costs little.
INSERT INTO changed_claims
WITH touched AS (
    SELECT DISTINCT claim_id
    FROM claims
    WHERE file_id > (SELECT since_file_id FROM scope_params)
), listed AS (
    SELECT DISTINCT component, serial_norm
    FROM claim_serials
    SEMI JOIN touched USING (claim_id)
)
SELECT DISTINCT s.claim_id, 'claims' AS trigger
FROM claim_serials_current s
SEMI JOIN listed USING (component, serial_norm);
