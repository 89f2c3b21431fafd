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
-- That rule is unchanged; the statements below find the same claims with less
-- work (at SF=50, 76k missing serials against 175k changed ones):
--   - the serial pairs are found on the distinct serials alone, and the
--     claims and their brands are looked up only for the few serials near a
--     change (ChangedUnmatched), not for every missing serial,
--   - the pairs one edit apart are blocked on integer keys of the serials'
--     last 10 characters, 10 keys a serial, not on 15 hashed texts (why no
--     pair is lost: UnmatchedNear),
--   - the range probes are the few ledger entries of the night, each put in
--     the buckets of 1,000 numbers it may share with a missing serial.
-- Re-auditing a claim whose triage did not change is harmless (its verdict
-- comes out the same); missing one would not be. Where a statement re-audits
-- more than the rule asks, it says so.

-- name: UnmatchedMissing
-- The missing serials: every *.not_in_ledger finding, less those a later
-- audit of the same claim dropped. A later audit that dropped a finding
-- changed the claim's findings, so claim_changes has a row for it (any run
-- that audits a claim audited before records its changes; a small table):
-- its claim_id with a later run_id leaves the finding out. What is left may
-- hold a finding that a later audit kept, which names the same serial of the
-- same claim as that audit's own finding, so it adds nothing. Unlike the
-- claim_results of every claim, this reads no claim ids but those of the
-- findings. (Runs before claim_changes existed recorded none: a finding they
-- made and a later run dropped may re-audit its claim for nothing.)
CREATE OR REPLACE TEMP TABLE unmatched_missing AS
SELECT f.claim_id, f.component, f.serial_number AS serial_norm
FROM findings f
WHERE f.rule IN ('panel.not_in_ledger', 'inverter.not_in_ledger')
  AND NOT EXISTS (SELECT 1 FROM claim_changes c WHERE c.claim_id = f.claim_id AND c.run_id > f.run_id);

-- name: UnmatchedProbes
-- The serials that changed: the night's ledger entries with their brand key,
-- and the serials claims now list or no longer list (any brand: NULL).
CREATE OR REPLACE TEMP TABLE unmatched_probes AS
SELECT 'panel' AS component, k.brand_key, l.serial_norm
FROM panel_ledger l JOIN name_keys k ON k.name = l.licensee
WHERE l.file_id > getvariable('audit_since_file_id')
UNION ALL
SELECT 'inverter' AS component, k.brand_key, l.serial_norm
FROM inverter_ledger l JOIN name_keys k ON k.name = l.manufacturer
WHERE l.file_id > getvariable('audit_since_file_id')
UNION ALL
SELECT component, NULL AS brand_key, serial_norm
FROM changed_serials
WHERE trigger = 'claims';

-- name: TailCode
-- The characters of a serial's last 10 (a list of 1-character texts) as one
-- integer, 6 bits a character, the first highest: its code point less 44,
-- so '-' is 1, '0' is 4, 'A' is 21 and '_' is 51 (contract §1: serials hold
-- only ASCII letters, digits and -./_). Any other character is 63: two
-- texts can then share a code, which only adds a candidate pair.
CREATE OR REPLACE TEMP MACRO tail_code(chars) AS
    list_reduce(list_transform(chars, c -> least(greatest(ord(c) - 44, 1), 63)::BIGINT), (a, b) -> a * 64 + b);

-- name: CodeWithout
-- The code of the same n characters less the one at place i (0 = the
-- first): those before it moved down one place, then those after it.
CREATE OR REPLACE TEMP MACRO code_without(code, n, i) AS
    ((code >> (6 * (n - i))) << (6 * (n - i - 1))) | (code & ((1::BIGINT << (6 * (n - i - 1))) - 1));

-- name: NearKey
-- Key i of a serial whose last characters have code code and are n long
-- (tail_code): those characters less the one at place i, or all of them when
-- i = n; doubled, plus 1 for a panel serial, so that one integer column also
-- keeps the components apart (UnmatchedNear).
CREATE OR REPLACE TEMP MACRO near_key(component, code, n, i) AS
    2 * CASE WHEN i < n THEN code_without(code, n, i) ELSE code END + (component = 'panel')::INT;

-- name: UnmatchedNear
-- The pairs (missing serial, changed serial) within one edit (Damerau-
-- Levenshtein distance at most 1, checked on the serials themselves), found
-- by joining on keys that every such pair shares. The keys of a serial s are
-- its last 10 characters (w) less one character, each of them; and s itself
-- when s is shorter than 10 (then w is s). Why a pair one edit apart shares
-- one: two serials one substitution, insertion, deletion or adjacent swap
-- apart have a common variant v (one of them, or each less one character).
-- If v is s less a character among its last 10, v's last 9 characters are
-- w less that character; if v is s, or s less a character further left,
-- they are s's last 9, which is w less its first. Either way right(v, 9),
-- the same text for both serials, is a key of each (for a serial shorter
-- than 10, v is itself a key). A serial of any length makes at most 10
-- keys, integers (near_key).
CREATE OR REPLACE TEMP TABLE unmatched_near AS
WITH missing AS (
    SELECT component, serial_norm, tail_code(chars) AS code, len(chars) AS n
    FROM (SELECT component, serial_norm, string_split(right(serial_norm, 10), '') AS chars
          FROM (SELECT DISTINCT component, serial_norm FROM unmatched_missing))
), probes AS (
    SELECT component, serial_norm, tail_code(chars) AS code, len(chars) AS n
    FROM (SELECT component, serial_norm, string_split(right(serial_norm, 10), '') AS chars
          FROM (SELECT DISTINCT component, serial_norm FROM unmatched_probes))
), missing_keys AS (
    SELECT serial_norm, near_key(component, code, n, i) AS key
    FROM missing JOIN range(0, 10) r(i) ON i < n OR (i = n AND length(serial_norm) < 10)
), probe_keys AS (
    SELECT serial_norm, near_key(component, code, n, i) AS key
    FROM probes JOIN range(0, 10) r(i) ON i < n OR (i = n AND length(serial_norm) < 10)
)
SELECT DISTINCT CASE m.key % 2 WHEN 1 THEN 'panel' ELSE 'inverter' END AS component,
    m.serial_norm, p.serial_norm AS probe
FROM missing_keys m JOIN probe_keys p USING (key)
WHERE damerau_levenshtein(m.serial_norm, p.serial_norm) <= 1;

-- name: UnmatchedInRange
-- The missing serials with the prefix and digit count of a ledger entry of
-- the night (its brand key kept) and a number less than 2,000 from its
-- number, as triage.sql splits a serial. Two such serials have the same
-- length, so they are in the same bucket (all but the last 3 characters, a
-- thousand of numbers) or in one of the two either side; each entry is put
-- in the buckets of its number less 1,999, less 1,000, itself, plus 1,000
-- and plus 1,999, and a missing serial is looked up in its own. Consecutive
-- ones lie at most 1,000 apart, so no thousand between them is missed, nor
-- the first or last thousand of the digit count when a number outside it is
-- left out (fewer than 3 digits: the one bucket holds them all).
CREATE OR REPLACE TEMP TABLE unmatched_in_range AS
WITH probes AS (
    SELECT *, left(serial_norm, length(serial_norm) - length(digits)) AS prefix,
        length(digits) AS n_digits, try_cast(digits AS HUGEINT) AS number
    FROM (SELECT *, regexp_extract(serial_norm, '[0-9]+$') AS digits FROM unmatched_probes WHERE brand_key IS NOT NULL)
), buckets AS (
    SELECT component, brand_key, serial_norm, prefix, number,
        left(prefix || lpad((number + d.d)::VARCHAR, n_digits::INTEGER, '0'), -3) AS bucket
    FROM probes, (VALUES (-1999), (-1000), (0), (1000), (1999)) d(d)
    WHERE number IS NOT NULL AND number + d.d >= 0 AND length((number + d.d)::VARCHAR) <= n_digits
), missing AS (
    SELECT DISTINCT component, serial_norm, left(serial_norm, -3) AS bucket FROM unmatched_missing
)
SELECT DISTINCT m.component, m.serial_norm, p.brand_key
FROM missing m JOIN buckets p USING (component, bucket)
WHERE length(m.serial_norm) = length(p.serial_norm) AND starts_with(m.serial_norm, p.prefix)
  AND regexp_full_match(substr(m.serial_norm, length(p.prefix) + 1), '[0-9]+')
  AND abs(try_cast(substr(m.serial_norm, length(p.prefix) + 1) AS HUGEINT) - p.number) < 2000;

-- name: ChangedUnmatched
-- The claims of the missing serials near a changed serial of their brand
-- (a changed listing: any brand), or in range of a new ledger entry. The
-- brand is that of the claim's latest version, which the current verdict
-- audited (a claim amended since the previous run is audited anyway); it
-- is looked up only for the claims near a ledger entry.
INSERT INTO changed_claims
WITH hits AS (
    SELECT n.component, n.serial_norm, p.brand_key
    FROM unmatched_near n JOIN unmatched_probes p ON p.component = n.component AND p.serial_norm = n.probe
    UNION
    SELECT component, serial_norm, brand_key FROM unmatched_in_range
), found AS (
    SELECT DISTINCT m.claim_id, m.component, h.brand_key
    FROM unmatched_missing m JOIN hits h USING (component, serial_norm)
), brands AS (
    SELECT claim_id, arg_max(panel_brand, file_id) AS panel_brand,
        arg_max(inverter_manufacturer, file_id) AS inverter_manufacturer
    FROM claims
    WHERE claim_id IN (SELECT claim_id FROM found WHERE brand_key IS NOT NULL)
    GROUP BY claim_id
)
SELECT DISTINCT f.claim_id, 'unmatched' AS trigger
FROM found f
LEFT JOIN brands b USING (claim_id)
LEFT JOIN name_keys k ON k.name = CASE f.component WHEN 'panel' THEN b.panel_brand ELSE b.inverter_manufacturer END
WHERE f.brand_key IS NULL OR f.brand_key = k.brand_key;

DROP TABLE unmatched_missing;
DROP TABLE unmatched_probes;
DROP TABLE unmatched_near;
DROP TABLE unmatched_in_range;
DROP MACRO tail_code;
DROP MACRO code_without;
