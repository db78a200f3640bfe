-- Foundation: organisations, people, memberships, sign-in throttling, first-time setup, audit events.
-- Parts that jOOQ's DDL parser (used only for code generation) cannot read are fenced with
-- "jooq ignore" markers; PostgreSQL (through Flyway) runs every statement.

create table organization (
    id          uuid         primary key,
    name        varchar(120) not null,
    plan        varchar(16)  not null,
    created_at  timestamptz  not null,
    version     integer      not null default 0,
    constraint organization_plan_known check (plan in ('FREE', 'PRO', 'MAX', 'TEAM', 'ENTERPRISE')),
    constraint organization_name_not_blank check (length(trim(name)) > 0)
);

create table app_user (
    id                  uuid         primary key,
    email               varchar(320) not null,
    display_name        varchar(120) not null,
    password_hash       varchar(200),
    created_at          timestamptz  not null,
    password_changed_at timestamptz,
    version             integer      not null default 0,
    constraint app_user_email_lower_case check (email = lower(email)),
    constraint app_user_email_shape check (email like '%_@_%')
);
create unique index app_user_email_unique on app_user (email);

create table membership (
    org_id     uuid        not null references organization (id) on delete cascade,
    user_id    uuid        not null references app_user (id) on delete cascade,
    role       varchar(16) not null,
    created_at timestamptz not null,
    version    integer     not null default 0,
    primary key (org_id, user_id),
    constraint membership_role_known check (role in ('OWNER', 'MEMBER'))
);
create index membership_user on membership (user_id);

-- Failed sign-ins are counted per e-mail address whether or not an account exists, so the
-- answer never tells an attacker which addresses have accounts.
create table login_throttle (
    email           varchar(320) primary key,
    failures        integer      not null,
    last_failure_at timestamptz  not null,
    locked_until    timestamptz
);

-- One-time codes for the first-time setup (stored as SHA-256; any console instance may print one).
create table setup_code (
    code_hash  varchar(64) primary key,
    created_at timestamptz not null,
    expires_at timestamptz not null
);

-- Audit events: append-only, one hash chain per organisation.
create table audit_event (
    id             uuid         primary key,
    org_id         uuid         not null references organization (id),
    seq            bigint       not null,
    occurred_at    timestamptz  not null,
    actor_id       uuid,
    actor_label    varchar(320) not null,
    action         varchar(64)  not null,
    target_type    varchar(32),
    target_id      varchar(200),
    target_label   varchar(300),
    details        jsonb        not null,
    client_address varchar(64),
    user_agent     varchar(512),
    prev_hash      varchar(64)  not null,
    hash           varchar(64)  not null,
    constraint audit_event_seq_unique unique (org_id, seq)
);
create index audit_event_org_time on audit_event (org_id, occurred_at desc, seq desc);

-- The head of each organisation's chain; writers lock this row, so instances never fork the chain.
create table audit_chain_head (
    org_id    uuid        primary key references organization (id),
    last_seq  bigint      not null,
    last_hash varchar(64) not null
);

/* [jooq ignore start] */
create function audit_event_is_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'audit events are append-only (% refused)', tg_op using errcode = '42501';
end
$$;
create trigger audit_event_no_update_or_delete before update or delete on audit_event
    for each row execute function audit_event_is_append_only();
create trigger audit_event_no_truncate before truncate on audit_event
    for each statement execute function audit_event_is_append_only();

-- A Team/Enterprise organisation keeps at least one owner; a Free/Pro/Max organisation is one
-- person, its owner. Checked at commit so an organisation and its owner can be created together.
create function organization_membership_rules() returns trigger language plpgsql as $$
declare
    v_org    uuid;
    v_plan   text;
    v_owners integer;
    v_people integer;
begin
    if tg_table_name = 'organization' then
        v_org := new.id;
    elsif tg_op = 'DELETE' then
        v_org := old.org_id;
    else
        v_org := new.org_id;
    end if;
    select plan into v_plan from organization where id = v_org;
    if not found then
        return null;
    end if;
    select count(*) filter (where role = 'OWNER'), count(*) into v_owners, v_people
      from membership where org_id = v_org;
    if v_plan in ('TEAM', 'ENTERPRISE') and v_owners < 1 then
        raise exception 'organisation % must keep at least one owner', v_org
            using errcode = '23514', constraint = 'organization_keeps_an_owner';
    elsif v_plan in ('FREE', 'PRO', 'MAX') and (v_people <> 1 or v_owners <> 1) then
        raise exception 'individual organisation % must have exactly one person, its owner', v_org
            using errcode = '23514', constraint = 'individual_organization_has_one_owner';
    end if;
    return null;
end
$$;
create constraint trigger membership_rules after insert or update or delete on membership
    deferrable initially deferred for each row execute function organization_membership_rules();
create constraint trigger organization_plan_rules after insert or update of plan on organization
    deferrable initially deferred for each row execute function organization_membership_rules();
/* [jooq ignore stop] */
