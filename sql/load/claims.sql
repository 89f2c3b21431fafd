-- name: CheckClaimsBatches
-- The rows in line order, cut into batches of about 32 MB of serial cells,
-- for CheckClaims to type and split a batch at a time: DuckDB 1.1 splits the
-- lists of a whole chunk of rows (2,048) at once, and a file of 200 claims
-- that each list 60,000 serials separated by ', ' peaked at 3.1 GB. An
-- ordinary claims file is one batch. A batch is a range of lines, from
-- first_line to last_line. The running sum is over blocks of 16 lines, not
-- over the rows: DuckDB 1.1 holds a window's every row in memory, and a
-- window over the 5M rows of a 590 MB file went past the 1.5 GB a file may
-- take (data contract §1).
CREATE OR REPLACE TEMP TABLE check_batch AS
SELECT batch, min(first_line) AS first_line, max(last_line) AS last_line
FROM (
    SELECT first_line, last_line, (sum(n) OVER (ORDER BY block ROWS UNBOUNDED PRECEDING) - n) // 33554432 AS batch
    FROM (
        SELECT line // 16 AS block, min(line) AS first_line, max(line) AS last_line,
            sum(coalesce(length(panel_serials), 0) + coalesce(length(inverter_serials), 0)) AS n
        FROM stage GROUP BY block))
GROUP BY batch;

-- name: CheckClaimsRepeated
-- The claim_ids used on more than one line of the file (nearly always
-- none), with the first: a later line's row is a reject.
CREATE OR REPLACE TEMP TABLE repeated AS
SELECT cell(claim_id) AS id, min(line) AS first_line
FROM stage GROUP BY ALL HAVING count(*) > 1;

-- name: CheckClaimsRows
-- A claim row is typed; its serial lists are split here, once. Nearly every
-- row has no problem, and listing a row's problems costs more than loading
-- it: so a row is suspect (a superset of the rows with a problem) unless its
-- typed values are all there and in range, its claim_id is first used on its
-- line, and both serial cells list a serial, hold only serial characters,
-- white space and separators, and no E+ or E- before a digit (the guards of
-- the serial rules).
-- Only suspect rows have their problems listed (CheckClaimsProblems).
-- A view of the rows of the batch of lines first_line to last_line
-- (CheckClaimsBatches): CheckClaims writes them to checked.
CREATE OR REPLACE TEMP VIEW check_rows AS
WITH typed AS (
    SELECT s.*,
        cell(s.claim_id) AS id,
        r.first_line,
        parse_date(submitted_on) AS submitted,
        parse_date(installed_on) AS installed,
        -- numbers are matched by pattern before they are cast: never rounded
        try_cast(parse_decimal3(rated_output_kw) AS DECIMAL(12, 3)) AS kw,
        parse_whole(panel_count) AS n_panels,
        parse_whole(deeming_years) AS years,
        parse_whole(stcs_claimed) AS stcs,
        -- A plain list (nearly every one) is serials of the serial
        -- characters separated by single semicolons: split_serials would
        -- give the same list as string_split, and norm_serial would give each
        -- serial's upper case (LoadClaimSerials).
        regexp_full_match(panel_serials, '[A-Za-z0-9./_-]+(;[A-Za-z0-9./_-]+)*') AS panel_plain,
        regexp_full_match(inverter_serials, '[A-Za-z0-9./_-]+(;[A-Za-z0-9./_-]+)*') AS inverter_plain
    FROM stage s LEFT JOIN repeated r ON r.id = cell(s.claim_id)
    WHERE s.line BETWEEN getvariable('first_line') AND getvariable('last_line')
),
flagged AS (
    -- *_split is the split list of a cell that is not plain, its serials
    -- joined by ';' (no serial holds one: split_serials splits on it), NULL
    -- for a plain cell, which is its serials joined by ';' already. The list
    -- is string_split(coalesce(*_split, cell), ';'), made where it is read
    -- (LoadClaimSerials). A list of serials held in this table takes about
    -- twice the bytes of the text: a file of 200 claims listing 60,000
    -- serials each, separated by ', ', peaked at 1.58 GB with the lists kept.
    -- Not keeping the lists of the plain cells either: CheckClaims 35-48 ->
    -- 26-27 ms a claims file of 2,300 claims (one thread).
    SELECT *,
        CASE WHEN NOT panel_plain THEN array_to_string(split_serials(panel_serials), ';') END AS panel_split,
        CASE WHEN NOT inverter_plain THEN array_to_string(split_serials(inverter_serials), ';') END AS inverter_split,
        NOT coalesce(id IS NOT NULL AND (first_line IS NULL OR line = first_line)
            AND submitted IS NOT NULL AND installed IS NOT NULL
            AND regexp_full_match(cell(postcode), '[0-9]{3,4}')
            AND kw > 0 AND n_panels > 0 AND years IS NOT NULL AND stcs >= 0
            AND cell(panel_brand) IS NOT NULL AND cell(panel_model) IS NOT NULL
            AND cell(inverter_manufacturer) IS NOT NULL AND cell(inverter_model) IS NOT NULL
            AND (panel_plain OR panel_split <> '') AND (inverter_plain OR inverter_split <> '')
            AND regexp_full_match(panel_serials, '[A-Za-z0-9./_\s;,|-]*')
            AND regexp_full_match(inverter_serials, '[A-Za-z0-9./_\s;,|-]*')
            AND NOT regexp_matches(panel_serials, '[eE][+-][0-9]')
            AND NOT regexp_matches(inverter_serials, '[eE][+-][0-9]'), false) AS suspect
    FROM typed
)
SELECT line,
    id AS claim_id,
    submitted AS submitted_on,
    installed AS installed_on,
    lpad(cell(postcode), 4, '0') AS postcode,
    kw AS rated_output_kw,
    n_panels AS panel_count,
    cell(panel_brand) AS panel_brand,
    cell(panel_model) AS panel_model,
    cell(inverter_manufacturer) AS inverter_manufacturer,
    cell(inverter_series) AS inverter_series,
    cell(inverter_model) AS inverter_model,
    years AS deeming_years,
    stcs AS stcs_claimed,
    cell(installer_id) AS installer_id,
    panel_serials, inverter_serials, panel_split, inverter_split, panel_plain, inverter_plain,
    -- the listings a loaded row makes (ListingBatches), counted while its
    -- text is at hand: a list's semicolons + 1
    length(coalesce(panel_split, panel_serials)) - length(replace(coalesce(panel_split, panel_serials), ';', '')) + 1 +
    length(coalesce(inverter_split, inverter_serials)) - length(replace(coalesce(inverter_split, inverter_serials), ';', '')) + 1 AS listings,
    suspect, first_line
FROM flagged;

-- name: CheckClaimsTable
-- checked, empty. LIMIT 0, not WITH NO DATA, which DuckDB 1.1 accepts and
-- then copies the rows all the same.
CREATE OR REPLACE TEMP TABLE checked AS SELECT * FROM check_rows LIMIT 0;

-- name: CheckClaims
-- batches: SELECT first_line, last_line FROM check_batch ORDER BY batch
-- checked is filled a batch of lines at a time, in stage's order, which
-- DuckDB keeps on the one thread claims files load on (pipeline/ingest
-- laneShare). That is line order, unless cells of the file were normalised
-- (pipeline/ingest normaliseStage: stage is then a table made through joins,
-- and a row with a fixed cell may move). So LoadClaims stores the claims in
-- line order, nearly always, without a sort, and a batch of lines reads only
-- its row groups of checked (LoadClaimSerials). No step needs the order: every
-- batch is chosen by its lines' values, and every output is sorted. Not
-- sorted here: a sort of each batch took the 590 MB file of 5M claims to
-- 1.75 GB, 1.13 GB without.
INSERT INTO checked SELECT * FROM check_rows;

-- name: CheckClaimsBad
-- The rows with a problem, each with its problems: rejects, not loaded.
-- Empty until CheckClaimsProblems adds the suspect rows that have one.
CREATE OR REPLACE TEMP TABLE bad (line BIGINT, problems STRUCT("column" VARCHAR, "value" VARCHAR, reason VARCHAR)[]);

-- name: CheckClaimsProblems
-- when: SELECT bool_or(suspect) FROM checked
-- Each suspect row's problems, by the rules of data contract §1, from its
-- cells as written (stage) and as typed (checked); a suspect row whose list
-- comes out empty loads. A file with no suspect row (nearly every one) skips
-- this statement.
INSERT INTO bad
SELECT line, problems FROM (
    SELECT line, list_filter([
        required('claim_id', claim_id),
        CASE WHEN id IS NOT NULL AND line > first_line
            THEN problem('claim_id', claim_id, 'claim_id already used on line ' || first_line || ' of this file') END,
        required('submitted_on', submitted_on),
        bad_date('submitted_on', submitted_on),
        required('installed_on', installed_on),
        bad_date('installed_on', installed_on),
        required('postcode', postcode),
        CASE WHEN NOT regexp_full_match(cell(postcode), '[0-9]{3,4}')
            THEN problem('postcode', postcode, 'postcode must be 4 digits') END,
        required('rated_output_kw', rated_output_kw),
        coalesce(bad_decimal3('rated_output_kw', rated_output_kw),
            CASE WHEN cell(rated_output_kw) IS NOT NULL AND (kw IS NULL OR kw <= 0)
                THEN problem('rated_output_kw', rated_output_kw, 'must be a number greater than 0') END),
        required('panel_count', panel_count),
        CASE WHEN cell(panel_count) IS NOT NULL AND (n_panels IS NULL OR n_panels <= 0)
            THEN problem('panel_count', panel_count, 'must be a whole number greater than 0') END,
        required('panel_brand', panel_brand),
        required('panel_model', panel_model),
        required('inverter_manufacturer', inverter_manufacturer),
        required('inverter_model', inverter_model),
        required('deeming_years', deeming_years),
        CASE WHEN cell(deeming_years) IS NOT NULL AND years IS NULL
            THEN problem('deeming_years', deeming_years, 'must be a whole number of years') END,
        required('stcs_claimed', stcs_claimed),
        CASE WHEN cell(stcs_claimed) IS NOT NULL AND (stcs IS NULL OR stcs < 0)
            THEN problem('stcs_claimed', stcs_claimed, 'must be a whole number, 0 or more') END,
        -- The serials of a list are looked at one by one only where the cell
        -- could hold a bad one: an E+ or E- before a digit (scientific
        -- notation), or a character outside the serial set and the separators.
        CASE WHEN len(panel_list) = 0 THEN problem('panel_serials', panel_serials, 'no panel serial listed') END,
        CASE WHEN NOT regexp_matches(panel_serials, '[eE][+-][0-9]') THEN NULL
            WHEN len(list_filter(panel_list, s -> is_sci_notation(s))) > 0
            THEN problem('panel_serials', panel_serials,
                'a serial is in scientific notation, as a spreadsheet writes a long number; its digits are lost: export the column as text') END,
        CASE WHEN regexp_full_match(panel_serials, '[A-Za-z0-9./_\s;,|-]*') THEN NULL
            ELSE serial_char_problem('panel_serials', panel_serials, list_filter(panel_list, s -> serial_bad_char(s) IS NOT NULL AND NOT is_sci_notation(s))[1]) END,
        CASE WHEN len(inverter_list) = 0 THEN problem('inverter_serials', inverter_serials, 'no inverter serial listed') END,
        CASE WHEN NOT regexp_matches(inverter_serials, '[eE][+-][0-9]') THEN NULL
            WHEN len(list_filter(inverter_list, s -> is_sci_notation(s))) > 0
            THEN problem('inverter_serials', inverter_serials,
                'a serial is in scientific notation, as a spreadsheet writes a long number; its digits are lost: export the column as text') END,
        CASE WHEN regexp_full_match(inverter_serials, '[A-Za-z0-9./_\s;,|-]*') THEN NULL
            ELSE serial_char_problem('inverter_serials', inverter_serials, list_filter(inverter_list, s -> serial_bad_char(s) IS NOT NULL AND NOT is_sci_notation(s))[1]) END
    ], p -> p IS NOT NULL) AS problems
    FROM stage JOIN (
        SELECT line, claim_id AS id, first_line, rated_output_kw AS kw, panel_count AS n_panels,
            deeming_years AS years, stcs_claimed AS stcs,
            split_serials(panel_serials) AS panel_list,
            split_serials(inverter_serials) AS inverter_list
        FROM checked WHERE suspect
    ) USING (line)
)
WHERE len(problems) > 0;

-- name: LoadClaims
-- In checked's order: line order, nearly always (CheckClaims). A sort of
-- every row here, 5M claims of a 590 MB file, took 1.9 GB.
INSERT INTO claims
SELECT f.file_id, line, claim_id, submitted_on, installed_on, postcode,
    rated_output_kw, panel_count,
    panel_brand, norm_name(panel_brand),
    panel_model, norm_name(panel_model),
    inverter_manufacturer, norm_name(inverter_manufacturer),
    inverter_series, norm_name(inverter_series),
    inverter_model, norm_name(inverter_model),
    deeming_years, stcs_claimed, installer_id,
    -- a plain cell is its listings joined by ';' (sql/schema/19_claim_lists_as_written.sql)
    CASE WHEN NOT panel_plain THEN panel_serials END,
    CASE WHEN NOT inverter_plain THEN inverter_serials END
FROM checked CROSS JOIN stage_file f
WHERE line NOT IN (SELECT line FROM bad);

-- name: ListingBatches
-- The loaded claims in line order, cut into batches of about half a million
-- listings, for LoadClaimSerials to make one batch at a time: DuckDB 1.1
-- makes the lists of a whole chunk of claims (2,048) at once, and a file of
-- 200 claims that each list 68,000 serials (every row just under the 1 MiB a
-- row could have then) peaked at 2.8 GB; rows are now at most 64 KiB
-- (pipeline/ingest maxRowBytes), and a file of many claims needs batches too.
-- A batch is a range of lines, summed by blocks of 16 lines as in
-- CheckClaimsBatches. Half a million, not a million: 16,000 claims of 60 KB
-- (64M listings) peaked at 1.15-1.26 GB, against 1.35-1.37 GB, in as long.
CREATE OR REPLACE TEMP TABLE listing_batch AS
SELECT batch, min(first_line) AS first_line, max(last_line) AS last_line
FROM (
    SELECT first_line, last_line, (sum(n) OVER (ORDER BY block ROWS UNBOUNDED PRECEDING) - n) // 500000 AS batch
    FROM (
        SELECT line // 16 AS block, min(line) AS first_line, max(line) AS last_line, sum(listings) AS n
        FROM checked WHERE line NOT IN (SELECT line FROM bad) GROUP BY block))
GROUP BY batch;

-- name: LoadClaimSerials
-- batches: SELECT first_line, last_line FROM listing_batch ORDER BY batch
-- One row per listed serial, in list order, with the key of its serial
-- (serial_key, sql/schema/13_triage_keys.sql). A plain list's serials need
-- no trimming or white space removed: their key is their upper case. The
-- serial as written is kept only where it is not its key
-- (sql/schema/18_listing_as_written.sql). It runs once a batch of
-- ListingBatches, the batch's lines first_line to last_line.
-- A batch's listings go in by claim_id, component and position, so a lookup
-- of one claim's listings (sql/audit/older_serials.sql) reads the one or two
-- row groups whose claim_id ranges hold it (of each batch: a file of more
-- than half a million listings that is not in claim_id order is sorted a batch
-- at a time). The claims are sorted, each claim's
-- listings made in that order, not the listings sorted: DuckDB 1.1's sort of
-- a 56 MB file's 2.9M listings, with their text, peaked at 1.55 GB, beyond
-- ingest's 1GB memory_limit; 0.59 GB this way.
INSERT INTO claim_serials
SELECT file_id, claim_id, l.component, l.position, nullif(l.serial_number, serial_norm), serial_norm, text_key(serial_norm)
FROM (
    SELECT *, CASE WHEN l.plain THEN upper(l.serial_number) ELSE norm_serial(l.serial_number) END AS serial_norm
    FROM (
        SELECT (SELECT file_id FROM stage_file) AS file_id, claim_id, unnest(list_concat(
            list_transform(inverter, (s, i) -> {'component': 'inverter', 'position': i, 'serial_number': s, 'plain': inverter_plain}),
            list_transform(panel, (s, i) -> {'component': 'panel', 'position': i, 'serial_number': s, 'plain': panel_plain}))) AS l
        FROM (
            SELECT claim_id, inverter_plain, panel_plain,
                string_split(coalesce(inverter_split, inverter_serials), ';') AS inverter,
                string_split(coalesce(panel_split, panel_serials), ';') AS panel
            FROM checked
            WHERE line BETWEEN getvariable('first_line') AND getvariable('last_line')
                AND line NOT IN (SELECT line FROM bad)
            ORDER BY claim_id)
    )
);
