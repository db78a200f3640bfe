-- Conversations (a member's workspaces), which connectors each one uses, the tool calls made in them, and the
-- owners' control of tools: a policy per tool and the pinned definition (fingerprint) a call must still match.

create table conversation (
    id         uuid         primary key,
    org_id     uuid         not null references organization (id),
    user_id    uuid         not null references app_user (id) on delete cascade,
    title      varchar(200) not null,
    created_at timestamptz  not null,
    updated_at timestamptz  not null,
    version    integer      not null default 0
);
create index conversation_recent on conversation (org_id, user_id, updated_at desc, id);

-- A connector switched on for one conversation (no row: off). Removing the connector removes the switch.
create table conversation_connector (
    conversation_id uuid        not null references conversation (id) on delete cascade,
    connector_id    uuid        not null references connector (id) on delete cascade,
    org_id          uuid        not null references organization (id),
    enabled_at      timestamptz not null,
    primary key (conversation_id, connector_id)
);

-- Every call and its outcome, kept in the conversation's history. Arguments and results are the member's own
-- data (shown only to them); both are capped in size by the service.
create table tool_call (
    id              uuid          primary key,
    org_id          uuid          not null references organization (id),
    conversation_id uuid          not null references conversation (id) on delete cascade,
    user_id         uuid          not null references app_user (id) on delete cascade,
    connector_id    uuid          references connector (id) on delete set null,
    connector_name  varchar(200)  not null,
    tool_name       varchar(256)  not null,
    arguments       jsonb         not null,
    status          varchar(16)   not null,
    result          jsonb,
    message         varchar(2000),
    started_at      timestamptz   not null,
    finished_at     timestamptz,
    duration_ms     bigint,
    constraint tool_call_status check (status in
        ('RUNNING', 'SUCCEEDED', 'TOOL_ERROR', 'FAILED', 'TIMED_OUT', 'CANCELLED', 'REFUSED'))
);
create index tool_call_history on tool_call (conversation_id, started_at, id);

-- The tools a connector's server has offered. approved_* is the pinned definition calls must match;
-- pending_* a new or changed definition held for an owner's review (a changed tool cannot be called meanwhile).
create table connector_tool (
    connector_id         uuid          not null references connector (id) on delete cascade,
    name                 varchar(256)  not null,
    org_id               uuid          not null references organization (id),
    policy               varchar(16)   not null,
    approved_fingerprint varchar(64),
    approved_definition  jsonb,
    pending_fingerprint  varchar(64),
    pending_definition   jsonb,
    pending_since        timestamptz,
    first_seen_at        timestamptz   not null,
    last_seen_at         timestamptz   not null,
    updated_at           timestamptz   not null,
    version              integer       not null default 0,
    primary key (connector_id, name),
    constraint connector_tool_policy check (policy in ('ALLOWED', 'NEEDS_APPROVAL', 'BLOCKED')),
    constraint connector_tool_defined check (approved_fingerprint is not null or pending_fingerprint is not null)
);
create index connector_tool_org on connector_tool (org_id, connector_id);

-- An organisation's rules for tools: what a newly offered tool starts as, and whether the audit log records
-- the full arguments and results of tool calls (otherwise only their size and SHA-256).
create table tool_settings (
    org_id          uuid        primary key references organization (id),
    new_tools       varchar(16) not null,
    record_payloads boolean     not null,
    updated_at      timestamptz not null,
    version         integer     not null default 0,
    constraint tool_settings_new_tools check (new_tools in ('ALLOW', 'HOLD'))
);
