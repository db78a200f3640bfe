-- Custom connectors: an organisation's remote MCP servers, and the private hosts an owner allows.

create table connector (
    id                  uuid          primary key,
    org_id              uuid          not null references organization (id),
    name                varchar(100)  not null,
    url                 varchar(2048) not null,
    enabled             boolean       not null,
    oauth_client_id     varchar(512),
    -- Sealed (AEAD, key outside the database; organisation, connector and field bound as associated data).
    oauth_client_secret bytea,
    created_at          timestamptz   not null,
    created_by          uuid,
    updated_at          timestamptz   not null,
    version             integer       not null default 0,
    last_check_at       timestamptz,
    last_check_outcome  varchar(24),
    last_check          jsonb,
    constraint connector_url_unique_in_org unique (org_id, url),
    constraint connector_name_not_blank check (length(trim(name)) > 0)
);
create index connector_org on connector (org_id, name);

-- Host names whose addresses may be private (never loopback, link-local or metadata): an owner's choice.
create table egress_private_host (
    org_id     uuid         not null references organization (id),
    host       varchar(253) not null,
    created_at timestamptz  not null,
    created_by uuid,
    primary key (org_id, host)
);
