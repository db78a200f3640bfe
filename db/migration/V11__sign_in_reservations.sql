-- Sign-in attempts are reserved before the password is checked (issue 15): a reservation counts against the
-- address's budget of failures while its check runs, so parallel attempts cannot all pass a lock check that
-- no failure has reached yet. in_flight_at lets a reservation left behind by a stopped instance expire.
alter table login_throttle add column in_flight integer not null default 0;
alter table login_throttle add column in_flight_at timestamptz;
