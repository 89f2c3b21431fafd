-- name: Verdicts
-- The current verdict of every claim, for reports: the result of the latest
-- audit run that audited the claim's current version, and that run's findings
-- for it. A claim whose current version no run has audited yet has no row.
-- Reports read these views, never an older run's verdict.

CREATE VIEW claim_results_current AS
SELECT r.*
FROM claim_results r
JOIN claims_current c USING (claim_id, file_id)
QUALIFY row_number() OVER (PARTITION BY r.claim_id ORDER BY r.run_id DESC) = 1;

CREATE VIEW findings_current AS
SELECT f.*
FROM findings f
JOIN claim_results_current r USING (run_id, claim_id);
