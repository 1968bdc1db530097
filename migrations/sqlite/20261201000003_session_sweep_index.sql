-- The sweep that expires sessions never submitted looks for old ones still
-- collecting; without this it read every session each time.
CREATE INDEX identity_sessions_stale ON identity_sessions (status, created_at);
