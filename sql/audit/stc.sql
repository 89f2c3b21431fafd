-- name: STCArithmetic
-- Data contract §2 for every row of stc_input (key, postcode, rated_output_kw,
-- installed_on, deeming_years), with the figures from the cfg_* tables of the
-- configuration: the zone of the postcode, the longest deeming period for the
-- installation year, whether the chosen period is allowed, and the STCs.
CREATE OR REPLACE TEMP TABLE stc_result AS
WITH located AS MATERIALIZED (
    -- read twice below: materialised, so each claim's postcode is looked up
    -- in the zone ranges once (a range join, row by row) rather than twice
    SELECT i.*, year(i.installed_on) AS install_year, z.zone, r.rating,
        CASE WHEN d.last_year IS NOT NULL THEN d.last_year + 1 - year(i.installed_on)
             ELSE d.max_years END AS max_years
    FROM stc_input i
    LEFT JOIN cfg_zones z ON i.postcode BETWEEN z.postcode_from AND z.postcode_to
    LEFT JOIN cfg_ratings r ON r.zone = z.zone
    LEFT JOIN cfg_deeming d ON year(i.installed_on) BETWEEN d.from_year AND d.to_year
), choices AS (
    -- the periods a claim may choose: the configured choices below the maximum, and the maximum
    SELECT l.key, list_sort(list_distinct(list(c.years) FILTER (WHERE c.years < l.max_years) || [l.max_years])) AS allowed_years
    FROM located l LEFT JOIN cfg_choices c ON TRUE
    WHERE l.max_years > 0
    GROUP BY l.key, l.max_years
), decided AS (
    SELECT l.*, coalesce(c.allowed_years, []) AS allowed_years,
        coalesce(list_contains(c.allowed_years, l.deeming_years), false) AS deeming_allowed
    FROM located l LEFT JOIN choices c USING (key)
)
SELECT key, zone, rating, install_year, coalesce(max_years, 0) AS max_years, allowed_years, deeming_allowed,
    CASE WHEN deeming_allowed THEN deeming_years ELSE coalesce(max_years, 0) END AS years_used,
    CASE WHEN zone IS NOT NULL THEN rated_output_kw * rating * (CASE WHEN deeming_allowed THEN deeming_years ELSE coalesce(max_years, 0) END) END AS mwh_exact,
    CASE WHEN zone IS NOT NULL THEN stc_count(rated_output_kw, rating,
        CASE WHEN deeming_allowed THEN deeming_years ELSE coalesce(max_years, 0) END) END AS stcs_computed
FROM decided;
