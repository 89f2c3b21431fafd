-- name: KeepKnownNames
-- In the run's transaction: the names of the rows loaded after the mark
-- names.sql read from (audit_names_since: the previous run's last_file_id, or
-- 0), that audit_known_names lacks. Read from the rows themselves, not from
-- audit_names, so a file committed between the two is not missed. With the
-- run recorded, audit_known_names holds every name up to its last_file_id.
INSERT INTO audit_known_names
SELECT DISTINCT name FROM name_sources
WHERE file_id > getvariable('audit_names_since') AND name IS NOT NULL
EXCEPT
SELECT name FROM audit_known_names;
