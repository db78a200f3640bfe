-- The Members page reads 50 people at a time, owners first, then by name, address and id. Those keys live in two
-- tables (role in membership, name and address in app_user), so no index could give that order: every page
-- joined and sorted the whole organisation (38 ms for the first page of 10,001 people, 62 ms deep in the list).
-- Membership now carries a copy of the sort keys, kept equal to the truth by the database itself (triggers below,
-- in the same transaction as any change), and one index yields the order: a page is an index range of 51 rows.
alter table membership add column list_rank  smallint     not null default 1;
alter table membership add column list_name  varchar(120) not null default '';
alter table membership add column list_email varchar(320) not null default '';

/* [jooq ignore start] */
-- The copy for existing rows. The organisation rules (V1) need no check for it (no role, organisation or person
-- changes), and checking them would queue one deferred event per row, each counting its whole organisation, and
-- make the index below impossible in this transaction ("pending trigger events").
alter table membership disable trigger membership_rules;
update membership m
   set list_rank  = case when m.role = 'OWNER' then 0 else 1 end,
       list_name  = u.display_name,
       list_email = u.email
  from app_user u
 where u.id = m.user_id;
alter table membership enable trigger membership_rules;
/* [jooq ignore stop] */

create index membership_list_order on membership (org_id, list_rank, list_name, list_email, user_id);

/* [jooq ignore start] */
-- A membership's copy is taken from its person whenever it is created or its role or person changes (and any
-- attempt to write the copy directly gets the truth instead) …
create function membership_list_keys() returns trigger language plpgsql as $$
begin
    new.list_rank := case when new.role = 'OWNER' then 0 else 1 end;
    if tg_op = 'INSERT' or new.user_id is distinct from old.user_id then
        -- a new membership waits for a rename of its person in progress, and then copies the committed name
        -- (the rename's own update of memberships cannot see this row before it commits)
        select display_name, email into strict new.list_name, new.list_email
          from app_user where id = new.user_id for share;
    else
        -- a role change holds the membership row, which the rename's update waits for: no lock here (it would
        -- deadlock with that rename); having waited behind a rename, this reads the committed name
        select display_name, email into strict new.list_name, new.list_email from app_user where id = new.user_id;
    end if;
    return new;
end
$$;
create trigger membership_list_keys before insert or update of role, user_id, list_rank, list_name, list_email
    on membership for each row execute function membership_list_keys();

-- … and every membership of a person follows a change of their name or address.
create function app_user_list_keys() returns trigger language plpgsql as $$
begin
    update membership set list_name = new.display_name, list_email = new.email where user_id = new.id;
    return null;
end
$$;
create trigger app_user_list_keys after update of display_name, email on app_user for each row
    when (old.display_name is distinct from new.display_name or old.email is distinct from new.email)
    execute function app_user_list_keys();
/* [jooq ignore stop] */
