-- MCP 2026-07-28 authorization (decisions 0030, 0031).
--
-- The owner's client credentials are bound to the authorization server (issuer) they were first used with: the
-- console never sends them to another one (a server that moves to another authorization server leaves them
-- unused, and the owner is told). Null until first used; cleared when the owner changes the client ID or secret.
alter table connector add column oauth_client_issuer varchar(2048);

-- Connectors whose owner credentials were already used: bound to the issuer of their connections (when all of
-- them used one issuer; otherwise left unbound, to be bound at the next use).
update connector c
   set oauth_client_issuer = (select min(n.issuer) from connection n
                               where n.connector_id = c.id and n.client_id = c.oauth_client_id)
 where c.oauth_client_id is not null
   and (select count(distinct n.issuer) from connection n
         where n.connector_id = c.id and n.client_id = c.oauth_client_id) = 1;

-- The resource indicator (RFC 8707) exactly as the server published it in its protected resource metadata, sent
-- in the authorization, token and refresh requests. Null for rows written before (the connector URL was sent).
alter table pending_authorization add column resource_indicator varchar(2048);
alter table connection add column resource_indicator varchar(2048);
