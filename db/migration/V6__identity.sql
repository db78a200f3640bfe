-- Identity: invitations, single sign-on, the owners' view of connections.

-- An organisation may require its members to sign in through single sign-on (no local password).
alter table organization add column sso_required boolean not null default false;

-- Invitation links: only the SHA-256 of the 256-bit token is kept; single use (accepted_at), expiring, tied to the
-- invited e-mail address; revoked ones are kept (revoked_at) so a revoked link says so.
create table invitation (
    id          uuid         primary key,
    org_id      uuid         not null references organization (id) on delete cascade,
    email       varchar(320) not null,
    role        varchar(16)  not null,
    token_hash  varchar(64)  not null,
    invited_by  uuid         references app_user (id) on delete set null,
    created_at  timestamptz  not null,
    expires_at  timestamptz  not null,
    accepted_at timestamptz,
    accepted_by uuid         references app_user (id) on delete set null,
    revoked_at  timestamptz,
    constraint invitation_token_unique unique (token_hash),
    constraint invitation_role_known check (role in ('OWNER', 'MEMBER')),
    constraint invitation_email_lower_case check (email = lower(email))
);
create index invitation_org on invitation (org_id, created_at);
create index invitation_email on invitation (email);

-- A person's accounts at OpenID Connect providers: (issuer, subject) identifies them, never the e-mail alone.
create table sso_identity (
    issuer     varchar(2048) not null,
    subject    varchar(255)  not null,
    user_id    uuid          not null references app_user (id) on delete cascade,
    email      varchar(320)  not null,
    linked_at  timestamptz   not null,
    last_seen_at timestamptz not null,
    primary key (issuer, subject)
);
create index sso_identity_user on sso_identity (user_id);

-- An owner asked a member to reconnect a connector; shown to the member until they reconnect.
create table reconnect_request (
    org_id       uuid        not null references organization (id),
    connector_id uuid        not null references connector (id) on delete cascade,
    user_id      uuid        not null references app_user (id) on delete cascade,
    requested_by uuid        references app_user (id) on delete set null,
    requested_at timestamptz not null,
    primary key (connector_id, user_id)
);
create index reconnect_request_user on reconnect_request (org_id, user_id);

-- The connections overview pages through members by e-mail address within an organisation.
create index membership_org_user on membership (org_id, user_id);
