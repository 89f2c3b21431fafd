-- name: PreviousResults
-- For each claim of this run ($1 is the run id) that an earlier run audited
-- (any version of it), the latest such result: its verdict before this run.
CREATE OR REPLACE TEMP TABLE previous_results AS
SELECT r.*
FROM claim_results r
SEMI JOIN audit_claims a USING (claim_id)
WHERE r.run_id < ?
QUALIFY row_number() OVER (PARTITION BY r.claim_id ORDER BY r.run_id DESC) = 1;

-- name: RecordChanges
-- The claims whose status or findings (rule and serial; a detail that merely
-- reads differently is no change) differ from that previous audit, with the
-- findings added and resolved. $1 is the run id.
INSERT INTO claim_changes
WITH params AS (
    SELECT ?::BIGINT AS run_id
), before AS (
    SELECT f.claim_id, f.rule, f.serial_number
    FROM findings f
    SEMI JOIN previous_results p USING (run_id, claim_id)
), after AS (
    SELECT f.claim_id, f.rule, f.serial_number
    FROM findings f
    SEMI JOIN previous_results p USING (claim_id)
    WHERE f.run_id = (SELECT run_id FROM params)
), added AS (
    SELECT * FROM after EXCEPT SELECT * FROM before
), resolved AS (
    SELECT * FROM before EXCEPT SELECT * FROM after
), listed AS (
    SELECT claim_id,
        string_agg(CASE WHEN serial_number = '' THEN rule ELSE rule || ':' || serial_number END, '; '
            ORDER BY rule, serial_number) AS entries
    FROM added GROUP BY claim_id
), listed_resolved AS (
    SELECT claim_id,
        string_agg(CASE WHEN serial_number = '' THEN rule ELSE rule || ':' || serial_number END, '; '
            ORDER BY rule, serial_number) AS entries
    FROM resolved GROUP BY claim_id
)
SELECT r.run_id, p.claim_id, p.run_id, p.status, r.status,
    coalesce(a.entries, ''), coalesce(x.entries, '')
FROM previous_results p
JOIN claim_results r ON r.claim_id = p.claim_id AND r.run_id = (SELECT run_id FROM params)
LEFT JOIN listed a ON a.claim_id = p.claim_id
LEFT JOIN listed_resolved x ON x.claim_id = p.claim_id
WHERE p.status <> r.status OR a.claim_id IS NOT NULL OR x.claim_id IS NOT NULL
ORDER BY p.claim_id;
