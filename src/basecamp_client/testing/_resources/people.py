"""People, the caller's profile, and the account."""

from __future__ import annotations

from typing import Any

from .._call import Call, Listing, Reply, empty
from .._form import FormPart
from .._router import MULTIPART, Router
from .._store import Record, Store
from .._wire import HttpError, dumps, iso
from .files import clean_filename


def new_person(
    store: Store,
    name: str,
    email_address: str,
    *,
    when: float | None = None,
    title: str | None = None,
    bio: str | None = None,
    location: str | None = None,
    time_zone: str = "Etc/UTC",
    admin: bool = False,
    owner: bool = False,
    client: bool = False,
    company: tuple[int, str] = (0, ""),
) -> Record:
    stamp = store.now() if when is None else store.at(when)
    person = Record(store.next_id(), "Person", created_at=stamp)
    person.data = {
        "sgid": store.sgid("Person", person.id),
        "name": name,
        "email_address": email_address,
        "title": title,
        "bio": bio,
        "location": location,
        "time_zone": time_zone,
        "admin": admin,
        "owner": owner,
        "client": client,
        "employee": not client,
        "company_id": company[0],
        "company_name": company[1],
    }
    store.add(store.people, person)
    return person


def person_exists(store: Store) -> Any:
    return lambda pid: pid in store.people and store.people[pid].status == "active"


def list_people(call: Call) -> Listing:
    return Listing(call.store.active_people(), lambda p: call.frag(p))


def get_person(call: Call) -> Reply:
    person = call.store.people.get(call.id("person_id"))
    if person is None:
        raise HttpError(404, f"Person {call.params['person_id']} not found")
    return call.ok(person)


def get_profile(call: Call) -> Reply:
    return call.ok(call.me)


def update_profile(call: Call) -> Reply:
    form = call.form()
    changes: dict[str, Any] = {}
    for field in ("name", "email_address", "title", "bio", "location"):
        if form.has(field):
            changes[field] = form.string(field, required=field in ("name", "email_address"))
    if form.has("time_zone_name"):
        changes["time_zone"] = form.string("time_zone_name", required=True)
    form.check()
    call.me.data.update(changes)
    call.store.touch(call.me, shared=True)
    return empty()


def list_project_people(call: Call) -> Listing:
    project = call.project(call.id("project_id"))
    members = [call.store.people[i] for i in project.data["people"] if i in call.store.people]
    return Listing(members, call.frag)


def get_account(call: Call) -> Reply:
    store = call.store
    value = {
        "id": store.account_id,
        "name": store.account_name,
        "owner_name": store.people[store.owner_id].data["name"] if store.owner_id else "",
        "active": True,
        "created_at": iso(store.account_created_at),
        "updated_at": iso(store.account_created_at),
        "trial": False,
        "trial_ends_on": None,
        "frozen": False,
        "paused": False,
    }
    if store.account_logo is not None:
        value["logo"] = {"url": call.urls.blob_download(store.account_logo)}
    return Reply(200, body=dumps(value))


LOGO_TYPES = frozenset(
    {"image/png", "image/jpeg", "image/gif", "image/webp", "image/avif", "image/heic"}
)
MAX_LOGO = 5 * 1024 * 1024


def _admin_only(call: Call) -> None:
    if not (call.me.data.get("admin") or call.me.data.get("owner")):
        raise HttpError(403, "Only owners and admins can change the account logo")


def update_logo(call: Call) -> Reply:
    _admin_only(call)
    form: dict[str, FormPart] = call.body or {}
    logo = form.get("logo")
    if logo is None or logo.filename is None:
        raise HttpError(422, "Logo can't be blank", errors={"logo": ["can't be blank"]})
    kind = logo.content_type.split(";")[0].strip().lower()
    if kind not in LOGO_TYPES:
        raise HttpError(
            422,
            "Logo must be a PNG, JPEG, GIF, WebP, AVIF or HEIC image",
            errors={"logo": ["must be an image"]},
        )
    if len(logo.data) > MAX_LOGO:
        raise HttpError(422, "Logo is too large (5 MB at most)", errors={"logo": ["is too big"]})
    store = call.store
    store.account_logo = store.add_blob(
        filename=clean_filename(logo.filename) or "logo",
        content_type=kind,
        data=logo.data,
        creator_id=call.me.id,
        when=store.now(),
    )
    return empty()


def remove_logo(call: Call) -> Reply:
    _admin_only(call)
    call.store.account_logo = None
    call.store.gen += 1
    return empty()


def register(router: Router) -> None:
    router.add("GET", "/people", list_people)
    router.add("GET", "/people/{person_id}", get_person)
    router.add("GET", "/circles/people", list_people, name="list_pingable_people")
    router.add("GET", "/my/profile", get_profile)
    router.add("PUT", "/my/profile", update_profile)
    router.add("GET", "/projects/{project_id}/people", list_project_people)
    router.add("GET", "/account", get_account)
    router.add("PUT", "/account/logo", update_logo, body=MULTIPART)
    router.add("DELETE", "/account/logo", remove_logo)
