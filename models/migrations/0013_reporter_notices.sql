-- Reason: an anonymous reporter whose DMs are closed can't be told of a status change privately without showing who
-- they are (a gate thread would). The latest notice waits here (a Fernet token) and /report shows it to them.
ALTER TABLE cases ADD COLUMN pending_notice BLOB;
