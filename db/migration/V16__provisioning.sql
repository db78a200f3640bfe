-- Issue 20: an owner's "Revoke everything", SCIM 2.0 provisioning and the private registry.

-- A member's sessions that began before this moment are signed out on their next request ("Revoke everything",
-- a deactivation through SCIM). A suspended membership (SCIM active=false) stays, but acts nowhere: no session,
-- no gateway token, no connection.
alter table membership add column sessions_valid_after timestamptz;
alter table membership add column suspended_at timestamptz;
-- the identity provider's own id of the person (SCIM externalId), per organisation
alter table membership add column scim_external_id varchar(200);

/* [jooq ignore start] */
alter table gateway_token drop constraint gateway_token_revoked_why;
alter table gateway_token add constraint gateway_token_revoked_why
    check (revoked_why in ('MEMBER', 'MEMBERSHIP', 'GATEWAY_OFF', 'ACCESS_REVOKED'));
/* [jooq ignore stop] */

-- The bearer credentials an identity provider uses at /scim/v2/o/{org}. Only the SHA-256 of the secret is kept.
create table scim_credential (
    id           uuid         primary key,
    org_id       uuid         not null references organization (id) on delete cascade,
    name         varchar(100) not null,
    token_hash   varchar(64)  not null,
    created_at   timestamptz  not null,
    created_by   uuid         references app_user (id) on delete set null,
    last_used_at timestamptz,
    revoked_at   timestamptz,
    constraint scim_credential_hash_unique unique (token_hash)
);
create index scim_credential_org on scim_credential (org_id, created_at);

-- The private registry per organisation (no row: off). TOKEN: readers send the bearer token whose SHA-256 is kept.
create table registry_settings (
    org_id     uuid        primary key references organization (id) on delete cascade,
    access     varchar(8)  not null,
    token_hash varchar(64),
    updated_at timestamptz not null,
    version    integer     not null default 0,
    constraint registry_settings_access check (access in ('OFF', 'PUBLIC', 'TOKEN')),
    constraint registry_settings_token check (access <> 'TOKEN' or token_hash is not null)
);

-- Groups from single sign-on: the claim of the ID token / user info that names the person's groups (null: off).
alter table organization add column sso_groups_claim varchar(100);
