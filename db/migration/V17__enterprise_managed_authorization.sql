-- Enterprise-managed authorization (the MCP extension io.modelcontextprotocol/enterprise-managed-authorization,
-- SEP-990): members signed in with single sign-on are connected without a Connect click by exchanging their
-- identity assertion at the organisation's identity provider for an ID-JAG, redeemed at the MCP server's
-- authorization server. See docs/connections.md#enterprise-managed-connections and decision 0059.

-- The organisation's identity provider for token exchange (owner's setting). The client secret is sealed (AEAD,
-- key outside the database, bound to the organisation as associated data).
create table org_token_exchange (
    org_id         uuid          primary key references organization (id),
    enabled        boolean       not null,
    token_endpoint varchar(2048) not null,
    client_id      varchar(512)  not null,
    client_secret  bytea,
    updated_at     timestamptz   not null,
    updated_by     uuid          references app_user (id) on delete set null
);

-- The member's identity assertion: the ID token of their last single sign-on, sealed (bound to the user), never
-- sent to a browser; used only until it expires, then the member signs in again.
create table sso_assertion (
    user_id     uuid          primary key references app_user (id) on delete cascade,
    issuer      varchar(2048) not null,
    id_token    bytea         not null,
    expires_at  timestamptz   not null,
    received_at timestamptz   not null
);

-- Connectors an owner switched to the organisation's sign-in (their authorization server redeems ID-JAGs).
create table connector_enterprise_managed (
    connector_id uuid        primary key references connector (id) on delete cascade,
    org_id       uuid        not null references organization (id),
    enabled_at   timestamptz not null,
    enabled_by   uuid        references app_user (id) on delete set null
);

-- A connection made (and renewed) through the organisation's sign-in rather than the member's Connect click.
alter table connection add column enterprise_managed boolean not null default false;
