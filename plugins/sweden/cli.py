"""``socialplan sweden ...``: import answers and Kolada figures, print the follow-up calendar."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import force_locale
from sqlalchemy import select

from core.sdk import LOCALES
from core.sdk.cli import WHOLE_NUMBER, CLIError, command_session, database_errors, municipality_named
from core.sdk.models import Municipality
from plugins.sweden.models import QuestionTemplate
from plugins.sweden.services.errors import SwedenValidationError


def _municipality(slug: str) -> Municipality:
    municipality = municipality_named(slug)
    if "sweden" not in municipality.enabled_plugins:
        raise CLIError(f"The Swedish plugin is not enabled for '{slug}'; enable it with "
                       f"'socialplan plugins enable sweden {slug}'.")
    return municipality


def _template(municipality: Municipality, template_id: int | None) -> QuestionTemplate:
    query = select(QuestionTemplate).where(QuestionTemplate.municipality_id == municipality.id)
    if template_id is not None:
        template = command_session().scalar(query.where(QuestionTemplate.id == template_id))
    else:  # the newest city-wide template
        template = command_session().scalar(query.where(QuestionTemplate.parent_id.is_(None))
                                        .order_by(QuestionTemplate.id.desc()).limit(1))
    if template is None:
        raise CLIError(f"'{municipality.slug}' has no question template"
                       + (f" with id {template_id}." if template_id is not None else "."))
    return template


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise CLIError(f"The year {year} is out of range (2000 to 2100).")
    return year


@click.group("sweden")
def sweden() -> None:
    """The Swedish follow-up model: answers, Kolada figures, the calendar."""


@sweden.command("import-answers")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--municipality", required=True, help="The municipality's slug.")
@click.option("--year", required=True, type=WHOLE_NUMBER, help="The year the answers were given.")
@click.option("--template", "template_id", type=WHOLE_NUMBER,
              help="Question template id (default: the newest city-wide).")
@click.option("--replace", is_flag=True, help="Replace the answers already imported for the year.")
@click.option("--report", type=click.Path(path_type=Path, dir_okay=False),
              help="Write refused rows to this CSV file (row, column, problem).")
@with_appcontext
@database_errors
def import_answers_command(file: Path, municipality: str, year: int, template_id: int | None, replace: bool,
                           report: Path | None) -> None:
    """Import individuppföljning answers from a CSV file: all rows, or none when any is refused."""
    from plugins.sweden.services.answer_import import import_answers

    session = command_session()
    template = _template(_municipality(municipality), template_id)
    try:
        with file.open("rb") as stream:
            result = import_answers(session, template, _year(year), stream, replace=replace)
    except OSError as error:
        raise CLIError(f"Cannot read {file}: {error.strerror or error}.") from None
    except SwedenValidationError as error:
        session.rollback()
        raise CLIError(f"{file}: {error.message}") from None
    if not result.ok:
        session.rollback()
        if report is not None:
            with report.open("w", newline="", encoding="utf-8") as out:
                writer = csv.writer(out)
                writer.writerow(["row", "column", "problem"])
                writer.writerows((e.row, e.column, e.message) for e in result.errors)
        first = result.errors[0]
        raise CLIError(f"Nothing was imported: {result.refused} of {result.rows} rows were refused; "
                       f"the first, row {first.row} ({first.column}): {first.message}")
    session.commit()
    click.echo(f"Imported {result.imported} answers for {municipality} {year}.")


@sweden.command("import-kolada")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--municipality", required=True, help="The municipality's slug.")
@click.option("--lang", default="en", show_default=True, help="The language of the message: en, sv or ro.")
@with_appcontext
@database_errors
def import_kolada_command(file: Path, municipality: str, lang: str) -> None:
    """Import results and national figures (and women's and men's) from a Kolada API v2 or v3 JSON document."""
    from plugins.sweden.services.kolada import import_kolada, import_message

    session = command_session()
    if lang not in LOCALES:
        raise CLIError(f"There is no catalog for language '{lang}'; choose one of {', '.join(LOCALES)}.")
    target = _municipality(municipality)
    if not file.is_file():
        raise CLIError(f"There is no file {file}.")
    with force_locale(lang):
        try:
            result = import_kolada(session, target.id, file)
        except SwedenValidationError as error:
            session.rollback()
            raise CLIError(f"{file}: {error.message}") from None
        session.commit()
        click.echo(import_message(result))


@sweden.command("calendar")
@click.option("--municipality", required=True, help="The municipality's slug.")
@click.option("--year", required=True, type=WHOLE_NUMBER)
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="Judge overdue as of this day.")
@with_appcontext
@database_errors
def calendar_command(municipality: str, year: int, today: dt.datetime | None) -> None:
    """Print the year's follow-up calendar, with the area chosen for special review; OVERDUE marks what is
    late, and each row's window opens on the day shown."""
    from core.sdk import translated
    from plugins.sweden.services.followups import settings_for, year_calendar
    from plugins.sweden.services.reference import method_name
    from plugins.sweden.services.settings import special_review_area

    target = _municipality(municipality)
    day = today.date() if today else dt.date.today()
    session = command_session()
    entries = year_calendar(session, target.id, _year(year))
    area = translated(special_review_area(settings_for(session, target.id), year), "en", target.default_locale)
    if any(e.method == "special_review" for e in entries) or area:
        click.echo(f"Special review {year}: {area or '(no area chosen yet)'}")
    overdue = 0
    click.echo(f"{'Opens':<10}  {'Due':<10}  {'Done':<10}  {'Unit':<40}  {'Method':<32}  Reason")
    for entry in entries:
        late = entry.overdue(day)
        overdue += late
        done = entry.done_on.isoformat() if entry.done_on else ("OVERDUE" if late else "")
        method = method_name(entry.method, "en")
        if entry.area:
            method = f"{method}: {translated(entry.area, 'en', target.default_locale)}"
        click.echo(f"{entry.window_start.isoformat():<10}  {entry.due_on.isoformat():<10}  {done:<10}  "
                   f"{(entry.unit_name or '(whole municipality)')[:40]:<40}  {method:<32}  {entry.reason_text}")
    click.echo(f"{len(entries)} follow-ups, {sum(e.done_on is not None for e in entries)} done, {overdue} overdue "
               f"as of {day.isoformat()}.")


def commands() -> list[click.Command]:
    return [sweden]
