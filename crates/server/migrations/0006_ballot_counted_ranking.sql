-- The ranking of each ballot as the last published count of an open poll
-- counted it (NULL: in no count yet). A batch waits for enough ballots
-- whose ranking differs from it: one changed and changed back is not a
-- change, so the difference between two counts cannot be one ballot.
ALTER TABLE ballots ADD COLUMN counted_ranking TEXT;
