-- Reading the audit log: indexes for the owners' filters (each ends in seq, so a filtered page is a keyset scan;
-- the time range uses V1's audit_event_org_time),
-- and API tokens for compliance tools that export it.

create index audit_event_org_action on audit_event (org_id, action, seq);
create index audit_event_org_actor on audit_event (org_id, actor_id, seq);
create index audit_event_org_target on audit_event (org_id, target_id, seq);

-- Owner-issued tokens: only the SHA-256 of the secret is kept; shown once; revocable; one scope for now.
create table api_token (
    id           uuid         primary key,
    org_id       uuid         not null references organization (id),
    name         varchar(100) not null,
    token_hash   varchar(64)  not null,
    scope        varchar(32)  not null,
    created_by   uuid,
    created_at   timestamptz  not null,
    last_used_at timestamptz,
    revoked_at   timestamptz,
    constraint api_token_hash_unique unique (token_hash),
    constraint api_token_scope check (scope in ('audit:export'))
);
create index api_token_org on api_token (org_id, created_at);
