-- "Last use" counts every use (issue 19): every tool call, from a conversation or through the gateway, whatever
-- the connector's sign-in kind. A server that needs no sign-in has no connection row, so the last use of each
-- connector by each member is kept here, written when a call starts (in the transaction that keeps the call in the
-- history). The overview shows the later of this and the connection's own last_used_at (a check with its token).
create table connector_use (
    connector_id uuid        not null references connector (id) on delete cascade,
    user_id      uuid        not null references app_user (id) on delete cascade,
    org_id       uuid        not null references organization (id) on delete cascade,
    last_used_at timestamptz not null,
    primary key (connector_id, user_id)
);
create index connector_use_org_user on connector_use (org_id, user_id);
