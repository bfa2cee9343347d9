-- public.my_contact_services() also says whether each service receives messages through the
-- portal (it has a contact address): the contact page offers only those in its form, and shows
-- the others' general information, instead of a form that could only fail.
drop function if exists public.my_contact_services();
create function public.my_contact_services()
returns table (service_id uuid, service_name text, general_info text, accepts_messages boolean)
language sql
stable
security definer
set search_path = ''
as $$
  select distinct s.id, s.name, s.general_info, s.contact_email is not null
  from portal.services s
  join portal.customers c on c.service_id = s.id
  where c.account_id = (select auth.uid())
  order by s.name
$$;
revoke execute on function public.my_contact_services() from public, anon, authenticated, service_role;
grant execute on function public.my_contact_services() to authenticated;
