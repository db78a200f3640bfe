-- Enterprise-managed connections the console must not make again by itself (decision 0063), per member and
-- connector: the member disconnected (paused until they choose "Connect through your organization's sign-in"), or
-- the last attempt was refused (not retried until the member asks again, signs in again with a new ID token, or the
-- back-off passes). Switching the connector off the organization's sign-in removes these rows (an owner's reset).
create table enterprise_connection_state (
    connector_id       uuid          not null references connector_enterprise_managed (connector_id) on delete cascade,
    user_id            uuid          not null references app_user (id) on delete cascade,
    org_id             uuid          not null references organization (id),
    paused_at          timestamptz,
    refused_at         timestamptz,
    -- SHA-256 of the ID token that was refused (never the token itself): a new sign-in gives a new one
    refused_token_hash bytea,
    refused_message    varchar(1000),
    refused_detail     varchar(1000),
    primary key (connector_id, user_id)
);
