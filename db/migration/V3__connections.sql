-- Members' connections to connectors: the OAuth client the console is at each connector's authorization server,
-- authorizations in progress (so a callback completes on any instance, after a restart too), and tokens.
-- Every secret or token column is sealed (AEAD, key outside the database, bound to its row as associated data).

-- One client per connector, authorization server and redirect URI: dynamically registered once and reused by
-- every member (a second address of the console registers its own, never replacing the first).
create table connector_oauth_client (
    connector_id  uuid          not null references connector (id) on delete cascade,
    issuer        varchar(2048) not null,
    org_id        uuid          not null references organization (id),
    client_id     varchar(2048) not null,
    client_secret bytea,
    auth_method   varchar(32)   not null,
    redirect_uri  varchar(2048) not null,
    registered_at timestamptz   not null,
    primary key (connector_id, issuer, redirect_uri)
);

-- An authorization the member started; consumed (deleted) by exactly one callback.
create table pending_authorization (
    state_hash    varchar(64)   primary key,
    org_id        uuid          not null references organization (id),
    connector_id  uuid          not null references connector (id) on delete cascade,
    user_id       uuid          not null references app_user (id) on delete cascade,
    code_verifier bytea         not null,
    issuer        varchar(2048) not null,
    -- the connector URL the authorization was for: a callback after the URL changed is refused
    resource      varchar(2048) not null,
    iss_required  boolean       not null,
    client_id     varchar(2048) not null,
    redirect_uri  varchar(2048) not null,
    scope         varchar(2048) not null,
    step_ups      integer       not null default 0,
    return_to     varchar(512)  not null,
    created_at    timestamptz   not null,
    expires_at    timestamptz   not null
);
create index pending_authorization_expiry on pending_authorization (expires_at);

create table connection (
    id             uuid          primary key,
    org_id         uuid          not null references organization (id),
    connector_id   uuid          not null references connector (id) on delete cascade,
    user_id        uuid          not null references app_user (id) on delete cascade,
    status         varchar(24)   not null,
    status_reason  varchar(1000),
    issuer         varchar(2048) not null,
    client_id      varchar(2048) not null,
    -- the token-endpoint authentication that worked for this client (client_secret_basic, _post or none)
    auth_method    varchar(32)   not null,
    access_token   bytea,
    refresh_token  bytea,
    scope          varchar(2048) not null,
    required_scope varchar(2048),
    step_ups       integer       not null default 0,
    expires_at     timestamptz,
    -- a refresh in progress (on any instance) until then: others wait for its result instead of refreshing
    refreshing_until timestamptz,
    connected_at   timestamptz   not null,
    refreshed_at   timestamptz,
    checked_at     timestamptz,
    last_used_at   timestamptz,
    updated_at     timestamptz   not null,
    constraint connection_one_per_member unique (connector_id, user_id),
    constraint connection_status check (status in ('CONNECTED', 'NEEDS_REAUTH', 'FAILING'))
);
create index connection_user on connection (org_id, user_id);
