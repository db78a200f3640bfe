-- Identity fixes after the security review of issue 7.

-- At most one open invitation per organisation and address, also when two owners invite at the same moment.
-- Older duplicates (if any) are closed first, keeping the newest; expired ones are closed by the service before
-- a new invitation is issued.
/* [jooq ignore start] */
update invitation i set revoked_at = now()
 where i.accepted_at is null and i.revoked_at is null
   and exists (select 1 from invitation newer
                where newer.org_id = i.org_id and newer.email = i.email
                  and newer.accepted_at is null and newer.revoked_at is null
                  and (newer.created_at, newer.id) > (i.created_at, i.id));
create unique index invitation_one_open on invitation (org_id, email)
    where accepted_at is null and revoked_at is null;
/* [jooq ignore stop] */
