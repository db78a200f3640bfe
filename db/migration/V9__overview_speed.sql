-- The owners' connections overview at 10,000 members x 1,000 connectors: per-state totals kept by the database
-- itself, and an index for the filters on rare states.

-- How many connections each connector has in each state, counting only members of the connector's
-- organisation (the overview's pairs). Kept by the triggers below, in the transaction of every change to a
-- connection or a membership, so it never differs from a count of the rows; disabled connectors are left out when
-- reading (their rows stay, so turning a connector back on needs no recount).
create table connection_state_count (
    connector_id uuid        not null references connector (id) on delete cascade,
    status       varchar(24) not null,
    org_id       uuid        not null references organization (id) on delete cascade,
    n            bigint      not null,
    primary key (connector_id, status),
    constraint connection_state_count_not_negative check (n >= 0)
);
create index connection_state_count_org on connection_state_count (org_id);

-- A rare state ("failing" with a few dozen pairs) is read from the connection side.
create index connection_org_status on connection (org_id, status, connector_id);

/* [jooq ignore start] */
create function connection_state_count_add(p_org uuid, p_connector uuid, p_user uuid, p_status varchar, p_delta bigint)
    returns void language plpgsql as $$
begin
    if not exists (select 1 from membership where org_id = p_org and user_id = p_user) then
        return;
    end if;
    if p_delta < 0 and not exists (select 1 from app_user where id = p_user) then
        return; -- the account was deleted: counted off before (connection_state_count_on_user_delete)
    end if;
    if p_delta > 0 then
        insert into connection_state_count (connector_id, status, org_id, n)
        values (p_connector, p_status, p_org, p_delta)
        on conflict (connector_id, status) do update set n = connection_state_count.n + excluded.n;
    else
        -- no insert: the connector may be going away (its rows here are deleted with it)
        update connection_state_count set n = n + p_delta
         where connector_id = p_connector and status = p_status;
    end if;
end $$;

create function connection_state_count_on_connection() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        perform connection_state_count_add(new.org_id, new.connector_id, new.user_id, new.status, 1);
    elsif tg_op = 'DELETE' then
        perform connection_state_count_add(old.org_id, old.connector_id, old.user_id, old.status, -1);
    -- two counts change: always in (connector, state) order, as every trigger here locks them, so two members
    -- moving the opposite way at once wait for each other instead of deadlocking
    elsif (old.connector_id, old.status) < (new.connector_id, new.status) then
        perform connection_state_count_add(old.org_id, old.connector_id, old.user_id, old.status, -1);
        perform connection_state_count_add(new.org_id, new.connector_id, new.user_id, new.status, 1);
    else
        perform connection_state_count_add(new.org_id, new.connector_id, new.user_id, new.status, 1);
        perform connection_state_count_add(old.org_id, old.connector_id, old.user_id, old.status, -1);
    end if;
    return null;
end $$;

create trigger connection_state_count_insert_delete after insert or delete on connection
    for each row execute function connection_state_count_on_connection();
create trigger connection_state_count_update after update of org_id, connector_id, user_id, status on connection
    for each row
    when (old.org_id is distinct from new.org_id or old.connector_id is distinct from new.connector_id
          or old.user_id is distinct from new.user_id or old.status is distinct from new.status)
    execute function connection_state_count_on_connection();

-- A person joins or leaves: their connections in that organisation start or stop counting.
create function connection_state_count_on_membership() returns trigger language plpgsql as $$
begin
    if tg_op in ('DELETE', 'UPDATE') and exists (select 1 from app_user where id = old.user_id) then
        -- the person's connections first, then their counts: the order a change of a connection takes (it holds
        -- its row when its trigger locks the counts), so a removal and a status change wait, never deadlock
        perform 1 from connection where org_id = old.org_id and user_id = old.user_id order by id for no key update;
        perform 1 from connection_state_count s
         where (s.connector_id, s.status) in (select connector_id, status from connection
                                               where org_id = old.org_id and user_id = old.user_id)
         order by s.connector_id, s.status for update;
        update connection_state_count s set n = s.n - gone.n
          from (select connector_id, status, count(*) as n from connection
                 where org_id = old.org_id and user_id = old.user_id group by connector_id, status) gone
         where s.connector_id = gone.connector_id and s.status = gone.status;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        insert into connection_state_count (connector_id, status, org_id, n)
        select connector_id, status, new.org_id, count(*) from connection
         where org_id = new.org_id and user_id = new.user_id group by connector_id, status
         order by connector_id, status
        on conflict (connector_id, status) do update set n = connection_state_count.n + excluded.n;
    end if;
    return null;
end $$;

create trigger connection_state_count_membership after insert or delete on membership
    for each row execute function connection_state_count_on_membership();
create trigger connection_state_count_membership_update after update of org_id, user_id on membership
    for each row when (old.org_id is distinct from new.org_id or old.user_id is distinct from new.user_id)
    execute function connection_state_count_on_membership();

-- An account deleted: its memberships and connections go by cascade in one statement, and PostgreSQL runs the
-- triggers of both only after both are gone (neither could then see the other). So its counted connections are
-- counted off here, before, and the triggers above skip rows of an account that no longer exists.
create function connection_state_count_on_user_delete() returns trigger language plpgsql as $$
begin
    -- connections first, then counts (as above)
    perform 1 from connection where user_id = old.id order by id for no key update;
    perform 1 from connection_state_count s
     where (s.connector_id, s.status) in (select cn.connector_id, cn.status from connection cn
                                           join membership m on m.org_id = cn.org_id and m.user_id = cn.user_id
                                          where cn.user_id = old.id)
     order by s.connector_id, s.status for update;
    update connection_state_count s set n = s.n - gone.n
      from (select cn.connector_id, cn.status, count(*) as n from connection cn
              join membership m on m.org_id = cn.org_id and m.user_id = cn.user_id
             where cn.user_id = old.id group by cn.connector_id, cn.status) gone
     where s.connector_id = gone.connector_id and s.status = gone.status;
    return old;
end $$;

create trigger connection_state_count_user_delete before delete on app_user
    for each row execute function connection_state_count_on_user_delete();

insert into connection_state_count (connector_id, status, org_id, n)
select cn.connector_id, cn.status, cn.org_id, count(*) from connection cn
  join membership m on m.org_id = cn.org_id and m.user_id = cn.user_id
 group by cn.connector_id, cn.status, cn.org_id;
/* [jooq ignore stop] */
