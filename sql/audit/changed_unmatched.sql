-- name: UnmatchedMissing
-- Claims whose current verdict holds a *.not_in_ledger finding whose triage
-- (contract §3, sql/audit/triage.sql) may read differently now. The triage of
-- a missing serial m of brand B looks at the ledger serials of B one edit
-- from m that no current claim version lists ("likely typo of S"), and at the
-- ledger serials of B with m's prefix and digit count in the three buckets of
-- 1,000 numbers around m's number ("inside uploaded range A..B"). So a claim
-- is re-audited when, since the previous run,
--   - a ledger entry of B arrived (an upload or a status update) for a serial
--     within one edit of m, or with m's prefix and digit count and a number
--     less than 2,000 from m's (which covers those buckets), or
--   - a new or amended claim lists, or no longer lists, a serial within one
--     edit of m (changed_serials, trigger 'claims'; of any brand).
-- First the missing serials: the current verdict of a claim is its latest
-- result (the latest result of a claim amended since is of an older version;
-- the claim is audited anyway), so only the claims with such a finding are
-- looked up, never every verdict. Each with the brand key of its claim.
CREATE OR REPLACE TEMP TABLE unmatched_missing AS
WITH found AS (
    SELECT run_id, claim_id, component, serial_number AS serial_norm
    FROM findings
    WHERE rule IN ('panel.not_in_ledger', 'inverter.not_in_ledger')
), latest AS (
    SELECT claim_id, max(run_id) AS run_id, arg_max(file_id, run_id) AS file_id
    FROM claim_results
    WHERE claim_id IN (SELECT claim_id FROM found)
    GROUP BY claim_id
)
SELECT DISTINCT f.claim_id, f.component, f.serial_norm, k.brand_key
FROM found f
JOIN latest l USING (claim_id, run_id)
JOIN claims c ON c.claim_id = l.claim_id AND c.file_id = l.file_id
JOIN name_keys k ON k.name = CASE f.component WHEN 'panel' THEN c.panel_brand ELSE c.inverter_manufacturer END;

-- name: UnmatchedProbes
-- The serials that changed: the night's ledger entries with their brand key,
-- and the serials claims now list or no longer list (any brand: NULL).
CREATE OR REPLACE TEMP TABLE unmatched_probes AS
SELECT DISTINCT 'panel' AS component, k.brand_key, l.serial_norm
FROM panel_ledger l JOIN name_keys k ON k.name = l.licensee
WHERE l.file_id > getvariable('audit_since_file_id')
UNION
SELECT DISTINCT 'inverter' AS component, k.brand_key, l.serial_norm
FROM inverter_ledger l JOIN name_keys k ON k.name = l.manufacturer
WHERE l.file_id > getvariable('audit_since_file_id')
UNION
SELECT DISTINCT component, NULL AS brand_key, serial_norm
FROM changed_serials
WHERE trigger = 'claims';

-- name: UnmatchedNear
-- The pairs (missing serial, changed serial) within one edit (Damerau-
-- Levenshtein distance at most 1), found by joining on deletion variants: two
-- serials one substitution, insertion, deletion or adjacent swap apart have a
-- common variant (the serial itself, or the serial less one character), so
-- each serial makes only length + 1 keys (hashed; the distance is then checked
-- on the serials themselves). A serial of 256 characters or more makes no
-- variants: its claim is re-audited whenever anything changed (below).
CREATE OR REPLACE TEMP TABLE unmatched_near AS
WITH missing_variants AS (
    SELECT m.component, m.serial_norm,
        hash(CASE WHEN r.i = 0 THEN m.serial_norm ELSE left(m.serial_norm, r.i - 1) || substr(m.serial_norm, r.i + 1) END) AS variant
    FROM (SELECT DISTINCT component, serial_norm FROM unmatched_missing) m
    JOIN range(0, 256) r(i) ON r.i <= length(m.serial_norm)
), probe_variants AS (
    SELECT p.component, p.serial_norm,
        hash(CASE WHEN r.i = 0 THEN p.serial_norm ELSE left(p.serial_norm, r.i - 1) || substr(p.serial_norm, r.i + 1) END) AS variant
    FROM (SELECT DISTINCT component, serial_norm FROM unmatched_probes) p
    JOIN range(0, 256) r(i) ON r.i <= length(p.serial_norm)
), pairs AS (
    SELECT DISTINCT m.component, m.serial_norm, p.serial_norm AS probe
    FROM missing_variants m
    JOIN probe_variants p USING (component, variant)
)
SELECT * FROM pairs WHERE damerau_levenshtein(serial_norm, probe) <= 1;

-- name: ChangedUnmatched
-- The claims of the missing serials near a changed serial of their brand
-- (a changed listing: any brand), or in range of a new ledger entry.
INSERT INTO changed_claims
WITH near AS (
    SELECT * FROM unmatched_near
), typo_hits AS (
    SELECT m.claim_id
    FROM unmatched_missing m
    JOIN near n USING (component, serial_norm)
    JOIN unmatched_probes p ON p.component = n.component AND p.serial_norm = n.probe
    WHERE p.brand_key IS NULL OR p.brand_key = m.brand_key
), missing_numbered AS (
    -- a serial's prefix, digit count and number, as triage.sql splits it
    SELECT *, left(serial_norm, length(serial_norm) - length(digits)) AS prefix,
        length(digits) AS n_digits, try_cast(digits AS HUGEINT) AS number
    FROM (SELECT *, regexp_extract(serial_norm, '[0-9]+$') AS digits FROM unmatched_missing)
), probe_numbered AS (
    SELECT *, left(serial_norm, length(serial_norm) - length(digits)) AS prefix,
        length(digits) AS n_digits, try_cast(digits AS HUGEINT) AS number
    FROM (SELECT *, regexp_extract(serial_norm, '[0-9]+$') AS digits FROM unmatched_probes WHERE brand_key IS NOT NULL)
), missing_buckets AS (
    -- each missing serial once for its thousand and each of the two either
    -- side (unnested, so the join below matches on the thousand: a join
    -- with range() let the planner join on brand and prefix alone, then
    -- filter hundreds of millions of pairs)
    SELECT *, unnest([number // 1000 - 2, number // 1000 - 1, number // 1000,
                      number // 1000 + 1, number // 1000 + 2]) AS thousand
    FROM missing_numbered
), range_hits AS (
    -- the same brand, prefix and digit count, in the same or one of the two
    -- thousands either side, then less than 2,000 apart
    SELECT m.claim_id
    FROM missing_buckets m
    JOIN probe_numbered p
        ON p.component = m.component AND p.brand_key = m.brand_key AND p.prefix = m.prefix
       AND p.n_digits = m.n_digits AND p.number // 1000 = m.thousand
    WHERE abs(p.number - m.number) < 2000
), long_hits AS (
    SELECT claim_id FROM unmatched_missing
    WHERE length(serial_norm) >= 256 AND EXISTS (SELECT 1 FROM unmatched_probes)
)
SELECT DISTINCT claim_id, 'unmatched' AS trigger FROM typo_hits
UNION
SELECT DISTINCT claim_id, 'unmatched' AS trigger FROM range_hits
UNION
SELECT DISTINCT claim_id, 'unmatched' AS trigger FROM long_hits;

DROP TABLE unmatched_missing;
DROP TABLE unmatched_probes;
DROP TABLE unmatched_near;
