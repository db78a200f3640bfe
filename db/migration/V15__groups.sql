-- Groups and who may use what (issue 20): groups of an organisation's members (made in the console, or
-- provisioned by the identity provider through SCIM or read from single sign-on claims), the groups a connector
-- is offered to, and each group's approval mode per connector and per tool under the organisation's ceiling.

create table member_group (
    id          uuid         primary key,
    org_id      uuid         not null references organization (id) on delete cascade,
    name        varchar(100) not null,
    -- who keeps it: CONSOLE (owners, by hand), SCIM or SSO (provisioned: not editable by hand)
    source      varchar(8)   not null default 'CONSOLE',
    -- the identity provider's id of a provisioned group
    external_id varchar(256),
    created_at  timestamptz  not null,
    updated_at  timestamptz  not null,
    version     integer      not null default 0,
    constraint member_group_source_known check (source in ('CONSOLE', 'SCIM', 'SSO')),
    constraint member_group_name_not_blank check (length(trim(name)) > 0),
    constraint member_group_id_in_org unique (org_id, id)
);
create index member_group_org on member_group (org_id, name);
/* [jooq ignore start] */
create unique index member_group_name_unique on member_group (org_id, lower(name));
create unique index member_group_external_unique on member_group (org_id, source, external_id)
    where external_id is not null;
/* [jooq ignore stop] */

-- A person belongs to a group only while they are a member of its organisation (both keys carry org_id).
create table group_member (
    org_id   uuid        not null,
    group_id uuid        not null,
    user_id  uuid        not null,
    added_at timestamptz not null,
    primary key (group_id, user_id),
    constraint group_member_group foreign key (org_id, group_id)
        references member_group (org_id, id) on delete cascade,
    constraint group_member_membership foreign key (org_id, user_id)
        references membership (org_id, user_id) on delete cascade
);
-- the groups of one member (deciding their effective tools starts here)
create index group_member_user on group_member (org_id, user_id, group_id);

-- Who may use a connector: EVERYONE in the organisation, or only the members of its chosen GROUPS.
alter table connector add column audience varchar(8) not null default 'EVERYONE';
alter table connector add constraint connector_audience_known check (audience in ('EVERYONE', 'GROUPS'));
-- The organisation's ceiling for the whole connector (each tool's policy is its own ceiling beneath it).
alter table connector add column ceiling varchar(16) not null default 'ALLOWED';
alter table connector add constraint connector_ceiling_known
    check (ceiling in ('ALLOWED', 'NEEDS_APPROVAL', 'BLOCKED'));
-- What everyone who may use the connector gets without a group's grant (then capped by the ceiling).
alter table connector add column everyone_mode varchar(16) not null default 'ALLOWED';
alter table connector add constraint connector_everyone_mode_known
    check (everyone_mode in ('ALLOWED', 'NEEDS_APPROVAL', 'BLOCKED'));
-- An owner's single setting: tools the server marks read-only (readOnlyHint) are allowed (under the ceiling).
alter table connector add column read_only_allowed boolean not null default false;

create table connector_group (
    org_id       uuid not null,
    connector_id uuid not null references connector (id) on delete cascade,
    group_id     uuid not null,
    primary key (connector_id, group_id),
    constraint connector_group_group foreign key (org_id, group_id)
        references member_group (org_id, id) on delete cascade
);
create index connector_group_group on connector_group (group_id);

-- A group's approval mode for a whole connector (tool_name '') or for one of its tools (overrides the group's
-- connector-wide grant for that tool).
create table group_grant (
    org_id       uuid         not null,
    connector_id uuid         not null references connector (id) on delete cascade,
    group_id     uuid         not null,
    tool_name    varchar(256) not null default '',
    mode         varchar(16)  not null,
    updated_at   timestamptz  not null,
    primary key (connector_id, group_id, tool_name),
    constraint group_grant_group foreign key (org_id, group_id)
        references member_group (org_id, id) on delete cascade,
    constraint group_grant_mode_known check (mode in ('ALLOWED', 'NEEDS_APPROVAL', 'BLOCKED'))
);
create index group_grant_group on group_grant (group_id);

-- The server's readOnlyHint for the tool, as last listed.
alter table connector_tool add column read_only boolean not null default false;
