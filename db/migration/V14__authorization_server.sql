-- The console's own OAuth 2.1 authorization server for the gateway's endpoints (issue 18; decisions 0037-0040).
-- The three tables are Spring Authorization Server's JDBC schema (oauth2-*-schema.sql in its jar) adapted for
-- PostgreSQL: blob -> text, timestamp -> timestamptz, client_id widened for client ID metadata documents (an
-- https URL is the client id). Token values (authorization codes, access and refresh tokens, the consent state)
-- are never stored: the *_value columns and state hold "h:" + the SHA-256 of the value (ConsoleAuthorizationService).
create table oauth2_registered_client (
    id                            varchar(100)  not null primary key,
    client_id                     varchar(2048) not null unique,
    client_id_issued_at           timestamptz   not null default current_timestamp,
    client_secret                 varchar(200),
    client_secret_expires_at      timestamptz,
    client_name                   varchar(200)  not null,
    client_authentication_methods varchar(1000) not null,
    authorization_grant_types     varchar(1000) not null,
    redirect_uris                 varchar(4000),
    post_logout_redirect_uris     varchar(1000),
    scopes                        varchar(1000) not null,
    client_settings               varchar(2000) not null,
    token_settings                varchar(2000) not null
);

create table oauth2_authorization (
    id                            varchar(100)  not null primary key,
    registered_client_id          varchar(100)  not null,
    principal_name                varchar(320)  not null,
    authorization_grant_type      varchar(100)  not null,
    authorized_scopes             varchar(1000),
    attributes                    text,
    state                         varchar(500),
    authorization_code_value      text,
    authorization_code_issued_at  timestamptz,
    authorization_code_expires_at timestamptz,
    authorization_code_metadata   text,
    access_token_value            text,
    access_token_issued_at        timestamptz,
    access_token_expires_at       timestamptz,
    access_token_metadata         text,
    access_token_type             varchar(100),
    access_token_scopes           varchar(1000),
    oidc_id_token_value           text,
    oidc_id_token_issued_at       timestamptz,
    oidc_id_token_expires_at      timestamptz,
    oidc_id_token_metadata        text,
    refresh_token_value           text,
    refresh_token_issued_at       timestamptz,
    refresh_token_expires_at      timestamptz,
    refresh_token_metadata        text,
    user_code_value               text,
    user_code_issued_at           timestamptz,
    user_code_expires_at          timestamptz,
    user_code_metadata            text,
    device_code_value             text,
    device_code_issued_at         timestamptz,
    device_code_expires_at        timestamptz,
    device_code_metadata          text,
    -- not Spring's: when the authorization was first written (its JDBC service names its columns, so the default
    -- fills it), for deleting requests that were never answered
    created_at                    timestamptz   not null default current_timestamp
);
-- the token look-ups (by hash); fenced for the jOOQ generator, whose parser cannot index text
-- [jooq ignore start]
create index oauth2_authorization_state on oauth2_authorization (state);
create index oauth2_authorization_code on oauth2_authorization (authorization_code_value);
create index oauth2_authorization_access on oauth2_authorization (access_token_value);
create index oauth2_authorization_refresh on oauth2_authorization (refresh_token_value);
-- [jooq ignore stop]
create index oauth2_authorization_client on oauth2_authorization (registered_client_id);

create table oauth2_authorization_consent (
    registered_client_id varchar(100)  not null,
    principal_name       varchar(320)  not null,
    authorities          varchar(4000) not null,
    primary key (registered_client_id, principal_name)
);

-- One row per grant that has issued tokens: whose it is (organisation, member), for which endpoint, which client,
-- when granted and last used. Deleting the authorization ends the grant (cascade).
create table gateway_grant (
    authorization_id     varchar(100)  not null primary key
        references oauth2_authorization (id) on delete cascade,
    org_id               uuid          not null references organization (id) on delete cascade,
    user_id              uuid          not null references app_user (id) on delete cascade,
    registered_client_id varchar(100)  not null,
    client_id            varchar(2048) not null,
    client_name          varchar(200)  not null,
    resource             varchar(2048) not null,
    granted_at           timestamptz   not null,
    last_used_at         timestamptz
);
create index gateway_grant_member on gateway_grant (org_id, user_id, granted_at desc);

-- Dynamic client registration attempts per client address, for the rate limit (any instance counts all).
create table gateway_registration_attempt (
    address      varchar(64) not null,
    attempted_at timestamptz not null
);
create index gateway_registration_attempt_address on gateway_registration_attempt (address, attempted_at);

-- Refresh tokens replaced by rotation (their hashes): presenting one again means two parties hold the grant's
-- refresh tokens, so the whole grant ends (OAuth 2.1 section 4.3.1).
create table gateway_retired_refresh_token (
    token_hash       varchar(100) not null primary key,
    authorization_id varchar(100) not null references oauth2_authorization (id) on delete cascade,
    retired_at       timestamptz  not null
);
create index gateway_retired_refresh_token_authorization on gateway_retired_refresh_token (authorization_id);
