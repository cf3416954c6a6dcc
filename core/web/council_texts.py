"""The administrator's page of a municipality's wording of its council documents' fixed texts (issue 15).

``/admin/municipalities/<slug>/council-documents`` lists, per plan kind the municipality has enabled, each council
document its plugin declares and each fixed text of it in en, sv and ro: the template's wording as the field's hint
and placeholder, the municipality's own in the field. Saving stores what differs from the template
(:func:`core.services.council_documents.set_overrides`, audited); a refused text is said beside its field and
nothing is saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from core.db import get_session
from core.i18n import LOCALES
from core.plugin_api import PlanKind
from core.plugin_manager import get_registry
from core.services import council_documents as service
from core.web import tenancy
from core.web.helpers import locale_order

bp = Blueprint("council_texts", __name__, url_prefix="/admin")
bp.before_request(tenancy.require_admin)


@dataclass
class TextField:
    """One fixed text in one language as the form shows it."""

    name: str
    locale: str
    value: str
    default: str
    text: service.FixedText
    error: str = ""


@dataclass
class DocumentForm:
    plan_kind: PlanKind
    spec: service.CouncilDocument
    texts: list[tuple[service.FixedText, list[TextField]]]


def _forms(municipality, posted: dict[str, str] | None) -> list[DocumentForm]:
    registry = get_registry()
    stored = municipality.council_texts or {}
    forms = []
    for plan_kind in registry.plan_kinds_for(municipality.enabled_plugins):
        for spec in service.documents_for(registry, municipality, plan_kind.code):
            rows = []
            for text in spec.texts:
                own = stored.get(service.override_key(plan_kind.code, spec.code, text.key)) or {}
                fields = []
                for locale in locale_order():  # the reader's language, the municipality's, then the rest
                    with force_locale(locale):
                        default = str(text.default) if text.default is not None else ""
                    name = f"{plan_kind.code}--{service.field_name(spec.code, text.key, locale)}"
                    value = posted.get(name, "") if posted is not None else own.get(locale, "")
                    fields.append(TextField(name, locale, value, default, text))
                rows.append((text, fields))
            if rows:
                forms.append(DocumentForm(plan_kind, spec, rows))
    return forms


def _save(municipality, forms: list[DocumentForm]) -> tuple[int, str | None]:
    """Save every document's texts; on a refused one roll back all, and mark its field."""
    session = get_session()
    changed = 0
    for form in forms:
        values = {(text.key, field.locale): field.value for text, fields in form.texts for field in fields}
        try:
            changed += service.set_overrides(session, municipality, form.plan_kind.code, form.spec, values,
                                             current_user._get_current_object())
        except service.OverrideError as error:
            session.rollback()
            wanted = f"{form.plan_kind.code}--{error.field}"
            for _text, fields in form.texts:
                for field in fields:
                    if field.name == wanted:
                        field.error = str(error)
            return 0, str(error)
    session.commit()
    return changed, None


@bp.route("/municipalities/<municipality>/council-documents", methods=["GET", "POST"])
def edit(municipality: str):
    m = tenancy.load_municipality(municipality)
    posted: dict[str, Any] | None = request.form.to_dict() if request.method == "POST" else None
    forms = _forms(m, posted)
    status = 200
    if request.method == "POST":
        changed, error = _save(m, forms)
        if error is None:
            flash(_("The wording of the council documents was saved (%(count)s texts changed).", count=changed)
                  if changed else _("Nothing was changed."), "success")
            return redirect(url_for("council_texts.edit", municipality=m.slug))
        status = 422
    errors = [field for form in forms for _text, fields in form.texts for field in fields if field.error]
    return render_template("admin/council_texts.html", m=m, forms=forms, locales=LOCALES, errors=errors), status


def council_documents_of(plan) -> list[service.CouncilDocument]:
    """The council documents of a plan, for its pages' download lists (a template global)."""
    return service.documents_for(get_registry(), plan.municipality, plan.kind)


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(council_documents_of=council_documents_of)
