"""Administration: municipalities, users and roles, and the plugins enabled for each municipality."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from core.db import get_session
from core.i18n import translated
from core.models import AuditEvent, Municipality, Role, User
from core.plugin_manager import get_registry
from core.services.accounts import AccountError, create_municipality, create_user, set_plugin_enabled
from core.services.credentials import TOKEN_DAYS_DEFAULT, TOKEN_NAME_MAX
from core.web import tenancy
from core.web.forms import (
    ROLE_CHOICES,
    Form,
    UserCreateForm,
    UserEditForm,
    attach_error,
    choices,
    locale_choices,
    municipality_form,
    translated_data,
)
from core.web.helpers import country_name, plugin_label

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(tenancy.require_admin)


def _municipality_choices(empty: bool) -> list[SelectChoice]:
    from core.i18n import translated

    rows = get_session().scalars(select(Municipality).order_by(Municipality.slug))
    return choices(([("", _("(none: administrator)"))] if empty else []) + [
        (m.slug, f"{translated(m.name, fallback=m.default_locale)} ({m.slug})") for m in rows
    ])


def _attach(form, error: AccountError) -> None:
    attach_error(form, error.field, str(error))


def _validate_municipality(form: Form) -> bool:
    """The form's checks and the short name's uniqueness, all at once."""
    from core.services.accounts import municipality_by_slug

    valid = form.validate()
    slug = (form.slug.data or "").strip()
    if slug and not form.slug.errors and municipality_by_slug(get_session(), slug) is not None:
        form.slug.errors = [_("A municipality with this short name already exists.")]
        valid = False
    return valid


def _validate_user(form: UserCreateForm) -> bool:
    """The form's checks and the address's uniqueness, all at once."""
    valid = form.validate()
    email = (form.email.data or "").strip().lower()
    if email and not form.email.errors and get_session().scalar(select(User).where(User.email == email)):
        form.email.errors = [_("A user with this e-mail address already exists.")]
        valid = False
    return valid


@bp.route("/")
def municipalities():
    rows = get_session().scalars(select(Municipality).order_by(Municipality.slug)).all()
    return render_template("admin/municipalities.html", municipalities=rows)


# --- a municipality's entry in its country's official register (hook socialplan_municipality_register) ----


class RegisterFields(Form):
    """The fields by which an administrator picks a municipality from its country's register: a code typed,
    or found by name and region and chosen (a button per match: no script needed)."""

    official_code = StringField(_l("Official code"), [Length(max=20)])
    find_name = StringField(_l("Name to look for"), [Length(max=120)])
    find_region = SelectField(_l("Region"), choices=[], validate_choice=False)


def _with_register(base: type[Form], drop: tuple[str, ...] = ()) -> type[Form]:
    """``base`` (core's municipality form) with the register's fields, without the fields in ``drop``."""
    from core.web.forms import Layout

    attrs: dict = {name: None for name in drop}
    attrs.update(official_code=RegisterFields.official_code, find_name=RegisterFields.find_name,
                 find_region=RegisterFields.find_region,
                 layout=Layout([g for g in base.layout.groups if g.key not in drop]))
    return type(base.__name__, (base,), attrs)


def _register_of(country: str | None):
    return get_registry().municipality_register(country) if country else None


def _offered_registers() -> list:
    """The registers of every country a jurisdiction plugin covers, for the form's first view."""
    registry = get_registry()
    countries = sorted({c for _plugin, j in registry.jurisdictions.values() for c in j.countries})
    return [register for register in map(_register_of, countries) if register is not None]


def _prepare_register(form: Form, register) -> list:
    """Label the fields after ``register``, offer its regions and, when asked, the matches of the search.
    Returns the matches to choose from (a button each)."""
    if register is None:
        form.find_region.choices = choices([("", _("(every region)"))])
        if request.method == "POST" and "find" in request.form:
            form.find_name.errors = [*form.find_name.errors,
                                     _("Choose a country that has a register of municipalities first.")]
        return []
    form.official_code.label.text = register.code_label
    form.find_region.label.text = register.region_label
    form.find_region.choices = choices([("", _("(every region)"))] + [(r, r) for r in register.regions()])
    picked = request.form.get("pick") if request.method == "POST" else None
    if picked and register.find(picked):
        form.official_code.data = picked
        return []
    if request.method == "POST" and "find" in request.form:
        matches = register.search(form.find_name.data or "", form.find_region.data or "", limit=50)
        if not matches:
            form.find_name.errors = [*form.find_name.errors, _("No municipality of the register matches.")]
        return matches
    return []


def _register_entry(form: Form, register) -> tuple[bool, object | None]:
    """Whether the code typed or picked is one of ``register`` (an empty code is, and means none), with its
    entry; a bad code is refused beside its field."""
    code = (form.official_code.data or "").strip()
    if not code:
        return True, None
    if register is None:
        form.official_code.errors = [*form.official_code.errors,
                                     _("There is no register of municipalities for this country: leave the code "
                                       "empty.")]
        return False, None
    error = register.code_error(code)
    entry = None if error else register.find(code)
    if entry is None:
        form.official_code.errors = [*form.official_code.errors, error or _(
            "No municipality of the register has the %(label)s %(code)s.", label=register.code_label, code=code)]
        return False, None
    return True, entry


def _fill_name_from(form: Form, entry, locale: str | None) -> None:
    """A picked municipality's name fills the name in the default language when that is still empty."""
    if entry is not None and locale and f"name__{locale}" in form._fields \
            and not (form[f"name__{locale}"].data or "").strip():
        form[f"name__{locale}"].data = entry.name


def _choosing(form: Form) -> bool:
    """A search or a choice in the register: the form comes back, nothing is saved yet."""
    return request.method == "POST" and ("find" in request.form or "pick" in request.form)


def _municipality_page(form: Form, register, matches: list, municipality: Municipality | None, status: int):
    entry = register.find(form.official_code.data or "") if register is not None else None
    registers = _offered_registers()
    return render_template("admin/municipality_form.html", form=form, register=register, matches=matches,
                           entry=entry, registers=registers, m=municipality,
                           register_countries=", ".join(country_name(r.country) for r in registers)), status


def _save_municipality(form: Form, register, valid: bool,
                       save: Callable[[Session, str | None, str | None], None]) -> bool:
    """``save(session, official_code, region)`` once the form is ``valid`` and its code is one of ``register``
    (the register is asked even when the form is not, so that every error shows at once), and committed.
    False when nothing was saved: a service's refusal is rolled back and said beside its field."""
    known, entry = _register_entry(form, register)
    if not (valid and known):
        return False
    session = get_session()
    try:
        save(session, entry.code if entry else None, entry.region if entry else None)
    except AccountError as error:
        session.rollback()
        _attach(form, error)
        return False
    session.commit()
    return True


@bp.route("/municipalities/new", methods=["GET", "POST"])
def new_municipality():
    form = _with_register(municipality_form())(request.form if request.method == "POST" else None,
                                               data={"country": request.args.get("country", "").upper()})
    form.default_locale.choices = locale_choices()
    register = _register_of(form.country.data)
    matches = _prepare_register(form, register)
    if _choosing(form):
        _fill_name_from(form, register.find(form.official_code.data or "") if register else None,
                        form.default_locale.data)
        return _municipality_page(form, register, matches, None, 200)
    slug = (form.slug.data or "").strip()  # the new municipality's short name, as created

    def create(session: Session, code: str | None, region: str | None) -> None:
        create_municipality(session, slug, translated_data(form, "name"), form.country.data.strip(),
                            form.default_locale.data, form.currency.data.strip(), code, region)

    if request.method == "POST" and _save_municipality(form, register, _validate_municipality(form), create):
        flash(_("The municipality was created. Now enable its plugins."), "success")
        return redirect(url_for("admin.plugins", municipality=slug))
    return _municipality_page(form, register, matches, None, 422 if request.method == "POST" else 200)


@bp.route("/municipalities/<municipality>/edit", methods=["GET", "POST"])
def edit_municipality(municipality: str):
    """Change a municipality's names, language, currency and register entry (its short name and country stay)."""
    from core.services.accounts import update_municipality
    from core.web.forms import translated_form_data

    m = tenancy.load_municipality(municipality)
    data = {"default_locale": m.default_locale, "currency": m.currency, "official_code": m.official_code or "",
            "country": m.country, **translated_form_data(m.name, "name")}
    form = _with_register(municipality_form(), drop=("slug", "country"))(
        request.form if request.method == "POST" else None, data=data)
    form.default_locale.choices = locale_choices()
    register = _register_of(m.country)
    matches = _prepare_register(form, register)
    if _choosing(form):
        return _municipality_page(form, register, matches, m, 200)

    def update(session: Session, code: str | None, region: str | None) -> None:
        update_municipality(session, m, translated_data(form, "name"), form.default_locale.data,
                            form.currency.data.strip(), code, region)

    if request.method == "POST" and _save_municipality(form, register, form.validate(), update):
        flash(_("The municipality %(name)s was saved.", name=m.slug), "success")
        return redirect(url_for("admin.municipalities"))
    return _municipality_page(form, register, matches, m, 422 if request.method == "POST" else 200)


@bp.route("/municipalities/<municipality>/plugins", methods=["GET", "POST"])
def plugins(municipality: str):
    m = tenancy.load_municipality(municipality)
    registry = get_registry()
    if request.method == "POST":
        plugin = request.form.get("plugin", "")
        enabled = request.form.get("enabled") == "1"
        session = get_session()
        try:
            set_plugin_enabled(session, registry, m, plugin, enabled, current_user)
        except AccountError as error:
            session.rollback()
            flash(str(error), "error")
        else:
            session.commit()
            name, label = translated(m.name, fallback=m.default_locale), plugin_label(plugin)
            flash(_("%(plugin)s is now enabled for %(municipality)s: its plans, forms and reports are open to the "
                    "municipality's users.", plugin=label, municipality=name) if enabled else
                  _("%(plugin)s is now disabled for %(municipality)s: its users no longer see its plans, forms and "
                    "reports, and are told why. Nothing is deleted: enabling it again brings everything back.",
                    plugin=label, municipality=name), "success")
        return redirect(url_for("admin.plugins", municipality=m.slug))
    kinds = {name: [k for p, k in registry.plan_kinds.values() if p == name] for name in registry.plugin_names}
    return render_template("admin/plugins.html", plugin_names=registry.plugin_names, kinds=kinds,
                           enabled=m.enabled_plugins)


@bp.route("/users")
def users():
    rows = get_session().scalars(select(User).order_by(User.email)).all()
    return render_template("admin/users.html", users=rows)


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    form = UserCreateForm(request.form if request.method == "POST" else None)
    form.municipality.choices = _municipality_choices(empty=True)
    form.locale.choices = locale_choices(empty=True)
    if request.method == "POST" and _validate_user(form):
        session = get_session()
        from core.services.accounts import municipality_by_slug

        municipality = municipality_by_slug(session, form.municipality.data) if form.municipality.data else None
        try:
            user = create_user(session, form.email.data, form.password.data, form.role.data, municipality,
                               form.locale.data or None)
        except AccountError as error:
            session.rollback()
            _attach(form, error)
        else:
            session.commit()
            flash(_("The account %(email)s was created.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None), 422 if request.method == "POST" else 200


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    session = get_session()
    user = session.get(User, user_id)
    if user is None:
        abort(404)
    data = {"role": user.role, "municipality": user.municipality.slug if user.municipality else "",
            "active": user.active}
    form = UserEditForm(request.form if request.method == "POST" else None, data=data)
    form.municipality.choices = _municipality_choices(empty=True)
    if request.method == "POST" and form.validate():
        from core.services.accounts import municipality_by_slug

        municipality = municipality_by_slug(session, form.municipality.data) if form.municipality.data else None
        if form.role.data != Role.ADMIN and municipality is None:
            form.municipality.errors = [_("A planner or viewer belongs to a municipality.")]
        elif user.id == current_user.id and (form.role.data != Role.ADMIN or not form.active.data):
            form.role.errors = [_("You cannot remove your own administrator rights or deactivate yourself.")]
        else:
            from core.services.accounts import update_user

            update_user(session, user, form.role.data, municipality, bool(form.active.data))
            session.commit()
            flash(_("The account %(email)s was saved.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user), 422 if request.method == "POST" else 200


# --- publication (issue 15) --------------------------------------------------------------------------


class PublicationForm(Form):
    published = BooleanField(_l("Publish the adopted plans on the public pages and as open data"))
    licence = SelectField(_l("Licence"), choices=[])
    publisher = StringField(_l("Publisher (the authority that answers for the published plans)"),
                            [Length(max=200)])


@bp.route("/municipalities/<municipality>/publication", methods=["GET", "POST"])
def publication(municipality: str):
    """Whether the municipality's adopted plans are public, under which licence and in whose name."""
    from core.services.publication import LICENCES, PublicationError, set_publication

    m = tenancy.load_municipality(municipality)
    form = PublicationForm(request.form if request.method == "POST" else None,
                           data={"published": m.published, "licence": m.licence or "", "publisher": m.publisher or ""})
    form.licence.choices = choices([("", _("(none chosen)"))] + [
        (code, f"{licence.title} ({code})") for code, licence in LICENCES.items()])
    if request.method == "POST" and form.validate():
        session = get_session()
        try:
            set_publication(session, m, published=bool(form.published.data), licence=form.licence.data,
                            publisher=form.publisher.data, user=current_user)
        except PublicationError as error:
            session.rollback()
            attach_error(form, error.field, str(error))
        else:
            session.commit()
            flash(_("%(name)s is now published.", name=m.slug) if m.published
                  else _("%(name)s is not published.", name=m.slug), "success")
            return redirect(url_for("admin.publication", municipality=m.slug))
    return render_template("admin/publication.html", form=form, m=m), 422 if request.method == "POST" else 200


# --- API tokens --------------------------------------------------------------------------------------


class TokenForm(Form):
    name = StringField(_l("Name (what the token is for)"), [Length(max=TOKEN_NAME_MAX)])
    role = SelectField(_l("Role"), choices=[])
    municipality = SelectField(_l("Municipality"), choices=[])
    days = SelectField(_l("Valid for"), choices=[], coerce=int, default=TOKEN_DAYS_DEFAULT)


def token_form(user: User, formdata=None) -> TokenForm:
    """The form to issue a token to ``user``: roles and municipalities up to the account's own, its own by default."""
    from core.i18n import translated
    from core.services.credentials import ROLE_RANK

    defaults = {"role": user.role, "municipality": user.municipality.slug if user.municipality else ""}
    form = TokenForm(formdata, data=defaults)
    form.role.choices = choices([(value, label) for value, label in ROLE_CHOICES
                                 if ROLE_RANK[Role(value)] <= ROLE_RANK[Role(user.role)]])
    if user.role == Role.ADMIN:
        rows = get_session().scalars(select(Municipality).order_by(Municipality.slug))
        places = [("", _("(every municipality: administrator)"))] + [
            (m.slug, f"{translated(m.name, fallback=m.default_locale)} ({m.slug})") for m in rows]
    else:
        places = [(user.municipality.slug, translated(user.municipality.name,
                                                      fallback=user.municipality.default_locale))]
    form.municipality.choices = choices(places)
    form.days.choices = choices([(30, _("30 days")), (90, _("90 days")), (365, _("one year"))])
    return form


@bp.app_template_global()
def token_panel(user: User) -> tuple[TokenForm, list]:
    """The user page's API access part: a form for a new token and the account's tokens."""
    from core.services.credentials import tokens

    return token_form(user), tokens(get_session(), user)


@bp.route("/users/<int:user_id>/token", methods=["POST"])
def issue_token(user_id: int):
    """Issue a new API token with the scope chosen; it is shown once, only its digest is kept."""
    from core.services.accounts import municipality_by_slug
    from core.services.credentials import CredentialError, issue_token

    session = get_session()
    user = session.get(User, user_id)
    if user is None:
        abort(404)
    form = token_form(user, request.form)
    if form.validate():
        municipality = municipality_by_slug(session, form.municipality.data) if form.municipality.data else None
        try:
            token, secret = issue_token(session, user, role=form.role.data, municipality=municipality,
                                        name=form.name.data or "", days=form.days.data)
        except CredentialError as error:
            session.rollback()
            attach_error(form, error.field, str(error))
        else:
            session.commit()
            return render_template("admin/token.html", user=user, token=secret, issued=token)
    return render_template("admin/token_form.html", user=user, form=form), 422


@bp.app_template_global()
def token_state(token) -> str:
    from core.services.credentials import token_state as state

    return state(token)


@bp.route("/tokens")
def tokens():
    """Every API token, newest first, with its scope and state; those in force can be revoked."""
    from core.services.credentials import tokens as all_tokens

    return render_template("admin/tokens.html", tokens=all_tokens(get_session()))


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
def revoke_token(token_id: int):
    """Revoke a token: from the next call on, it answers 401."""
    from core.models import ApiToken
    from core.services.credentials import revoke_token as revoke
    from core.web.auth import safe_next

    session = get_session()
    token = session.get(ApiToken, token_id)
    if token is None:
        abort(404)
    if revoke(session, token):
        session.commit()
        label = token.name or "#" + str(token.id)
        flash(_("The API token %(name)s of %(email)s is revoked.", name=label, email=token.user.email), "success")
    return redirect(safe_next(request.form.get("next"), url_for("admin.tokens")))


# --- the audit trail ---------------------------------------------------------------------------------


def _trail_page(municipality: Municipality | None):
    """Events and plan revisions, newest first, 50 a page, filtered by kind (``?kind=``, ``?page=``)."""
    from core.services import audit
    from core.web.helpers import describe_action

    session, registry = get_session(), get_registry()
    known = audit.actions(registry)
    kind = request.args.get("kind") or None
    page = audit.trail(session, municipality.id if municipality else None, kind,
                       request.args.get("page", 1, type=int))
    kinds = audit.kind_labels(known, audit.kinds_in(session, municipality.id if municipality else None))
    if municipality is not None:
        kinds.insert(0, (audit.PLAN_REVISIONS, _("Plan changes (revisions)")))
    rows = []
    for entry in page.entries:
        if isinstance(entry, AuditEvent):
            described = audit.describe(entry, known)
            rows.append((entry.at, audit.who(entry), described.label, described.lines, None,
                         audit.undo_url(entry, known, session)))
        else:
            plan_kind = registry.plan_kind(entry.plan.kind)
            name = f"{plan_kind.name if plan_kind else entry.plan.kind} {entry.plan.year}"
            rows.append((entry.created_at, entry.user.email if entry.user else _("(system)"),
                         describe_action(entry.action, plan_kind),
                         (_("Plan: %(plan)s, revision %(number)s", plan=name, number=entry.number),), entry, None))
    return render_template("admin/audit.html", municipality=municipality, rows=rows, page=page, kinds=kinds,
                           kind=kind)


@bp.get("/municipalities/<municipality>/audit")
def audit_trail(municipality: str):
    return _trail_page(tenancy.load_municipality(municipality))


@bp.get("/audit")
def audit_trail_global():
    """The events of no municipality: administrators' sign-ins and accounts, refused sign-ins of unknown
    addresses."""
    return _trail_page(None)
