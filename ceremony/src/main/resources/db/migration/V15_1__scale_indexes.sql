-- Version 15.1: indexes for the queries the screens, commands and reports run on a store of millions of keys and
-- audit entries (ADR 14). StoreQueryPlanTest checks each query with EXPLAIN QUERY PLAN: no full scan of a large
-- table where the query gives a filter. (Numbered after its issue, so that versions added side by side do not collide.)

-- the inventory filtered by status (the dashboard, hsmc keys --status), with or without a purpose
CREATE INDEX working_key_by_status ON working_key (status, zone_id, purpose, version);
-- the inventory filtered by purpose alone
CREATE INDEX working_key_by_purpose ON working_key (purpose, zone_id, version);
-- what a run made (its keys, its report)
CREATE INDEX working_key_by_run ON working_key (run_id);
-- a run's audit entries (ceremony report) and the entries of a period (audit extract). The expression is written so
-- that an entry whose details are not JSON (a tampered row, which verification then names) still goes in; queries
-- must use the same expression (AuditLog.RUN_OF_ENTRY).
CREATE INDEX audit_entry_by_run ON audit_entry (CASE WHEN json_valid(details) THEN json_extract(details, '$.run') END);
CREATE INDEX audit_entry_by_time ON audit_entry (at);
-- a run's incident (revoke), a run's zone keys
CREATE INDEX incident_by_run ON incident (run_id);
CREATE INDEX zone_key_by_run ON zone_key (run_id);
