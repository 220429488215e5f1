-- The poll's ballots_version at which each ballot was last cast or changed:
-- live results count a new batch only after enough *different* ballots
-- changed (one resident changing theirs again and again is one), so that
-- the difference between two publications never isolates one ballot.
ALTER TABLE ballots ADD COLUMN changed_version BIGINT NOT NULL DEFAULT 0;
