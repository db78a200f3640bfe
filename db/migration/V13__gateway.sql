-- The gateway (issue 18): members' own MCP clients use their connectors through one governed endpoint.

-- A connector's key: fixed when the connector is added (renaming it does not change it), unique in its
-- organisation, lower-case letters and digits in groups joined by single hyphens (so it never contains "__",
-- the separator of the gateway's tool names "<key>__<tool>", and fits MCP's tool-name characters).
alter table connector add column connector_key varchar(32);
/* [jooq ignore start] */
update connector c set connector_key = k.key
from (
    select id,
           case when row_number() over (partition by org_id, base order by created_at, id) = 1 then base
                else left(base, 24) || '-' || left(replace(id::text, '-', ''), 7) end as key
    from (
        select id, org_id, created_at,
               coalesce(nullif(trim(both '-' from left(
                   trim(both '-' from regexp_replace(lower(name), '[^a-z0-9]+', '-', 'g')), 24)), ''),
                   'connector') as base
        from connector
    ) b
) k
where c.id = k.id;
/* [jooq ignore stop] */
alter table connector alter column connector_key set not null;
-- The console always sets the key; a row inserted without one (bulk tooling) gets a random one.
/* [jooq ignore start] */
alter table connector alter column connector_key set default ('c' || left(md5(gen_random_uuid()::text), 12));
alter table connector add constraint connector_key_unique_in_org unique (org_id, connector_key);
alter table connector add constraint connector_key_shape check (connector_key ~ '^[a-z0-9]+(-[a-z0-9]+)*$');
/* [jooq ignore stop] */

-- Personal access tokens: a member's credential for a headless agent. Only the SHA-256 of the secret is kept.
create table gateway_token (
    id           uuid         primary key,
    org_id       uuid         not null references organization (id),
    user_id      uuid         not null references app_user (id) on delete cascade,
    name         varchar(100) not null,
    token_hash   varchar(64)  not null,
    created_at   timestamptz  not null,
    expires_at   timestamptz  not null,
    last_used_at timestamptz,
    revoked_at   timestamptz,
    -- why it ended: the member revoked it, their membership ended, or an owner switched the gateway off
    revoked_why  varchar(16),
    constraint gateway_token_hash_unique unique (token_hash),
    constraint gateway_token_revoked_why check (revoked_why in ('MEMBER', 'MEMBERSHIP', 'GATEWAY_OFF'))
);
create index gateway_token_member on gateway_token (org_id, user_id, created_at);

-- The gateway per organisation (no row: off). Rate limits are calls per minute; null means no limit.
create table gateway_settings (
    org_id                     uuid        primary key references organization (id),
    enabled                    boolean     not null,
    member_calls_per_minute    integer,
    connector_calls_per_minute integer,
    updated_at                 timestamptz not null,
    version                    integer     not null default 0,
    constraint gateway_settings_member_limit check (member_calls_per_minute is null
        or member_calls_per_minute between 1 and 100000),
    constraint gateway_settings_connector_limit check (connector_calls_per_minute is null
        or connector_calls_per_minute between 1 and 100000)
);

-- Calls counted per minute window, shared by every console instance (one upsert per call and subject).
create table gateway_rate (
    org_id       uuid        not null references organization (id),
    subject      varchar(80) not null,
    window_start timestamptz not null,
    calls        integer     not null,
    primary key (org_id, subject, window_start)
);

-- A call through the gateway: the client that made it (its name as it introduced itself and the credential it
-- holds). A call on a member's endpoint belongs to no conversation.
alter table tool_call add column client_name varchar(200);
alter table tool_call alter column conversation_id drop not null;
