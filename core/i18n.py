"""Languages: the locale of a request, translatable content, and Babel formatting.

Every number, amount, percentage and date a user sees goes through the ``format_*`` functions
here, which format for an explicit locale or the current one (request, CLI or report). Reports
choose their language on their own with :func:`flask_babel.force_locale`. Every number a user types
is read back with the ``parse_*`` functions, the way that user's locale writes numbers. Core
translates with its own catalog and each plugin in its own gettext domain (:func:`translations_for`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from babel import Locale, UnknownLocaleError, numbers
from babel import dates as babel_dates
from flask import Flask, current_app, g, has_app_context, has_request_context, request, session
from flask_babel import Babel, Domain, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel.speaklater import LazyString
from jinja2 import Environment, nodes, pass_context
from jinja2.ext import Extension, InternationalizationExtension
from jinja2.lexer import TOKEN_DOT, TOKEN_NAME, Token, TokenStream
from jinja2.parser import Parser
from jinja2.runtime import Context
from markupsafe import Markup

from core.plugin_manager import PluginConflict
from core.resources import resource_path

if TYPE_CHECKING:
    from core.plugin_manager import Registry

LOCALES = ("en", "sv", "ro")
CORE_TRANSLATIONS = resource_path("translations")
CORE_TEMPLATES = resource_path("templates")


def current_locale() -> str:
    locale = get_locale()
    return str(locale) if locale else "en"


def select_locale() -> str:
    """The user's choice, else the municipality's default, else Accept-Language."""
    if not has_request_context():
        return current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
    chosen = session.get("locale")
    if chosen in LOCALES:
        return chosen
    user = getattr(g, "_login_user", None)
    if user is not None and getattr(user, "is_authenticated", False) and user.locale in LOCALES:
        return user.locale
    municipality = getattr(g, "municipality", None)
    if municipality is not None and municipality.default_locale in LOCALES:
        return municipality.default_locale
    return request.accept_languages.best_match(LOCALES) or "en"


def init_app(app: Flask, registry: Registry) -> None:
    """Babel with core's catalog alone (domain "messages"), and one gettext domain per plugin."""
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(CORE_TRANSLATIONS)
    app.config["BABEL_DOMAIN"] = CORE_DOMAIN
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    Babel(app, locale_selector=select_locale)
    catalogs = _plugin_catalogs(registry)
    app.extensions[DOMAINS_KEY] = {
        name: Domain(translation_directories=folders, domain=name) for name, (_plugin, folders) in catalogs.items()
    }
    _install_template_domains(app, _template_domains(registry, catalogs), list(catalogs))
    app.jinja_env.globals.update(
        translated=translated,
        format_money=format_money,
        format_number=format_number,
        format_decimal=format_decimal,
        format_percent=format_percent,
        format_date=format_date,
        current_locale=current_locale,
        locale_display_name=locale_display_name,
        LOCALES=LOCALES,
    )


# --- gettext domains: core's catalog, and one of its own per plugin ------------------------------
#
# One merged table lets the last catalog win for a msgid two of them translate (core's 'Reference'
# is 'Hänvisning', the Swedish plugin's 'Diarienummer'). So core's code and templates translate with
# core's catalog only, and a plugin's with the catalogs its ``socialplan_translation_dirs`` answer
# names, in its own domain: its Python code through :func:`translations_for`, its templates (files
# of its ``socialplan_template_dirs``) through :class:`DomainTemplates`. A lazy string keeps its
# domain wherever it is shown, so a plugin's section titles and labels read right on core's pages.

CORE_DOMAIN = "messages"
DOMAINS_KEY = "socialplan.i18n.domains"
# The names a template translates with, and the callable each one stands for.
TEMPLATE_GETTEXT = {"_": "gettext", "gettext": "gettext", "ngettext": "ngettext",
                    "pgettext": "pgettext", "npgettext": "npgettext"}


def _plugin_catalogs(registry: Registry) -> dict[str, tuple[str, list[str]]]:
    """Each plugin domain with its plugin and translation folders; a domain is one plugin's only."""
    catalogs: dict[str, tuple[str, list[str]]] = {}
    for plugin, pairs in registry.answers_by_plugin("socialplan_translation_dirs", set(registry.plugin_names)):
        for folder, name in pairs:
            owner = CORE_DOMAIN if name == CORE_DOMAIN else catalogs.get(name, (plugin,))[0]
            if owner != plugin:
                raise PluginConflict(f"gettext domain '{name}' is claimed by both '{owner}' and plugin '{plugin}'")
            catalogs.setdefault(name, (plugin, []))[1].append(str(Path(folder).resolve()))
    return catalogs


def _template_domains(registry: Registry, catalogs: dict[str, tuple[str, list[str]]]) -> TemplateDomains:
    """Which templates translate with which plugin's domain (its first): those in the plugin's template
    folders, and those named ``<plugin>/...`` elsewhere (an instance folder's override of one). A plugin
    without a catalog leaves its templates on core's."""
    first_domain: dict[str, str] = {}
    for name, (plugin, _folders) in catalogs.items():
        first_domain.setdefault(plugin, name)
    folders = [
        (os.path.realpath(folder), first_domain[plugin])
        for plugin, answer in registry.answers_by_plugin("socialplan_template_dirs", set(first_domain))
        for folder in answer
    ]
    return TemplateDomains(folders, first_domain)


@dataclass(frozen=True)
class TemplateDomains:
    folders: list[tuple[str, str]]  # (a plugin's template folder, its domain)
    by_plugin: dict[str, str]  # plugin name -> its domain, for templates named '<plugin>/...'

    def domain_of(self, name: str | None, filename: str | None) -> str | None:
        """The plugin domain a template translates with; None: core's catalog."""
        path = os.path.realpath(filename) if filename else ""
        for folder, domain in self.folders:
            if path.startswith(folder + os.sep):
                return domain
        if path.startswith(os.path.realpath(CORE_TEMPLATES) + os.sep):
            return None
        return self.by_plugin.get((name or "").partition("/")[0]) if "/" in (name or "") else None


def plugin_domain(domain_name: str) -> Domain:
    """The running application's gettext domain ``domain_name`` (built once, at start-up, from the
    plugin's ``socialplan_translation_dirs`` answer). Raises LookupError for a domain no plugin has."""
    try:
        return current_app.extensions[DOMAINS_KEY][domain_name]
    except KeyError:
        raise LookupError(f"no plugin of this application has the gettext domain '{domain_name}'") from None


class PluginTranslations:
    """A plugin's gettext functions, made at import time, before any application exists: each call
    translates with the domain ``domain_name`` of the application that runs it (outside one, the
    text comes back untranslated, as Flask-Babel does)."""

    def __init__(self, domain_name: str) -> None:
        self.domain_name = domain_name

    def __repr__(self) -> str:
        return f"PluginTranslations({self.domain_name!r})"

    def gettext(self, string: str, **variables: Any) -> str:
        if not has_app_context():
            return string % variables if variables else string
        return plugin_domain(self.domain_name).gettext(string, **variables)

    def ngettext(self, singular: str, plural: str, num: int, **variables: Any) -> str:
        if not has_app_context():
            variables.setdefault("num", num)
            return (singular if num == 1 else plural) % variables
        return plugin_domain(self.domain_name).ngettext(singular, plural, num, **variables)

    def lazy_gettext(self, string: str, **variables: Any) -> LazyString:
        return LazyString(self.gettext, string, **variables)

    def lazy_ngettext(self, singular: str, plural: str, num: int, **variables: Any) -> LazyString:
        return LazyString(self.ngettext, singular, plural, num, **variables)


def translations_for(domain_name: str) -> PluginTranslations:
    """The gettext functions of a plugin's own domain (its ``socialplan_translation_dirs`` domain)::

        _translations = translations_for("sweden")
        _, _l, ngettext = _translations.gettext, _translations.lazy_gettext, _translations.ngettext
    """
    return PluginTranslations(domain_name)


class DomainTemplates(Extension):
    """Templates in a plugin's template folder translate with the plugin's domain.

    Their ``_``, ``gettext``, ``ngettext`` ... (and ``{% trans %}`` blocks) are renamed, when the
    template is compiled, to the domain's own callables (globals); core's templates keep Flask-Babel's.
    A name, not the render context, so a core template a plugin template extends, includes or imports
    macros from (``with context`` too) still translates with core's catalog, and the other way round.
    """

    tags = {"trans"}
    priority = 200  # after jinja2.ext.i18n, whose ``trans`` tag this one wraps

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.extend(socialplan_template_domains=TemplateDomains([], {}))

    def _prefix(self, name: str | None, filename: str | None) -> str | None:
        domain = self.environment.socialplan_template_domains.domain_of(name, filename)
        return None if domain is None else _global_prefix(domain)

    def filter_stream(self, stream: TokenStream) -> TokenStream | Iterator[Token]:
        prefix = self._prefix(stream.name, stream.filename)
        return stream if prefix is None else _renamed(stream, prefix)

    def parse(self, parser: Parser) -> nodes.Node | list[nodes.Node]:
        parsed = self.environment.extensions[InternationalizationExtension.identifier].parse(parser)
        prefix = self._prefix(parser.name, parser.filename)
        for node in (parsed if isinstance(parsed, list) else [parsed]) if prefix else ():
            for name in node.find_all(nodes.Name):
                if name.ctx == "load" and name.name in TEMPLATE_GETTEXT:
                    name.name = prefix + TEMPLATE_GETTEXT[name.name]
        return parsed


def _global_prefix(domain_name: str) -> str:
    return "_domain_" + re.sub(r"\W", "_", domain_name) + "_"


def _renamed(stream: TokenStream, prefix: str) -> Iterator[Token]:
    previous = None
    for token in stream:
        if token.type == TOKEN_NAME and token.value in TEMPLATE_GETTEXT and previous != TOKEN_DOT:
            token = Token(token.lineno, TOKEN_NAME, prefix + TEMPLATE_GETTEXT[token.value])
        previous = token.type
        yield token


def _install_template_domains(app: Flask, template_domains: TemplateDomains, names: list[str]) -> None:
    env = app.jinja_env
    env.add_extension(DomainTemplates)
    env.socialplan_template_domains = template_domains
    for name in names:
        prefix = _global_prefix(name)
        if any(key.startswith(prefix) for key in env.globals):
            raise PluginConflict(f"gettext domain '{name}' reads like another plugin's in templates")
        env.globals.update({prefix + key: value for key, value in _template_callables(name).items()})


def _template_callables(domain_name: str) -> dict[str, Callable[..., str]]:
    """gettext, ngettext, pgettext, npgettext of one domain the way Jinja's newstyle gettext behaves
    (core's templates get Flask-Babel's): the text is always a format string, escaped markup when
    autoescaping."""
    def translations() -> Any:
        return plugin_domain(domain_name).get_translations()

    def formatted(context: Context, text: str, variables: dict[str, Any]) -> str:
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables

    @pass_context
    def gettext(context: Context, string: str, **variables: Any) -> str:
        return formatted(context, translations().ugettext(string), variables)

    @pass_context
    def ngettext(context: Context, singular: str, plural: str, num: int, **variables: Any) -> str:
        variables.setdefault("num", num)
        return formatted(context, translations().ungettext(singular, plural, num), variables)

    @pass_context
    def pgettext(context: Context, message_context: str, string: str, **variables: Any) -> str:
        return formatted(context, translations().upgettext(message_context, string), variables)

    @pass_context
    def npgettext(context: Context, message_context: str, singular: str, plural: str, num: int,
                  **variables: Any) -> str:
        variables.setdefault("num", num)
        return formatted(context, translations().unpgettext(message_context, singular, plural, num), variables)

    return {"gettext": gettext, "ngettext": ngettext, "pgettext": pgettext, "npgettext": npgettext}


def translated(value: dict[str, str] | str | None, locale: str | None = None, fallback: str | None = None) -> str:
    """The value of translatable content for ``locale``, else ``fallback`` (the municipality's
    default locale), else the first value there is.

    Never raises, whatever was stored: a value that is not an object of texts (a number, a list)
    reads as its text, and texts under keys that are not languages ('ro-RO', 'xx') still show when
    there is nothing else."""
    if not value:
        return ""
    if isinstance(value, str):
        return value
    if not isinstance(value, dict):
        return str(value)
    locale = locale or current_locale()
    for candidate in (locale, fallback):
        if candidate and value.get(candidate):
            return str(value[candidate])
    return next((str(v) for v in value.values() if v), "")


class InLanguage(str):
    """A text that knows the language it is written in: a translatable value read in another language than the
    page's or the report's (its fallback) keeps its own, so that a report hyphenates its words by their rules."""

    locale: str

    def __new__(cls, text: str, locale: str) -> InLanguage:
        made = super().__new__(cls, text)
        made.locale = locale
        return made


def written_in(value: dict[str, str] | str | None, locale: str | None = None,
               fallback: str | None = None) -> InLanguage:
    """:func:`translated`, with the language of the text it chose: ``written_in({'ro': 'Dezinstituționalizare'},
    'en', 'ro').locale == 'ro'``. A value that is no object of texts is taken to be in ``locale``."""
    locale = locale or current_locale()
    if isinstance(value, dict):
        for candidate in (locale, fallback, *value):
            if candidate and value.get(candidate):
                return InLanguage(str(value[candidate]), str(candidate))
    return InLanguage(translated(value, locale, fallback), locale)


def is_fallback(value: dict[str, str] | None, locale: str | None = None) -> bool:
    """True when translatable content has no value of its own for ``locale``."""
    locale = locale or current_locale()
    return bool(value) and not (value.get(locale) if isinstance(value, dict) else isinstance(value, str))


def locale_display_name(code: str) -> str:
    """'Svenska' for 'sv'; a code that names no language Babel knows ('xx', stored before the edge refused
    it) reads as itself."""
    try:
        return Locale.parse(code).get_display_name(code).capitalize()
    except (UnknownLocaleError, ValueError, TypeError, AttributeError):
        return str(code)


# Pages and reports format the same few numbers over and over (a 600-row table repeats its amounts,
# 3,200 reports their totals), and Babel's formatting is a noticeable share of a render: each distinct
# number is formatted once per process. Keyed by the number's text, so -0 and 1.0 vs 1.00 stay apart.
@lru_cache(maxsize=16384)
def _formatted(kind: str, text: str, places: int, locale: str, currency: str = "") -> str:
    value = Decimal(text)
    if kind == "number":
        return numbers.format_decimal(value, locale=locale, group_separator=True)
    if kind == "decimal":
        pattern = "#,##0." + "0" * places if places else "#,##0"
        return numbers.format_decimal(value, format=pattern, locale=locale, decimal_quantization=True)
    if kind == "money":
        return _money(value, currency, locale, places)
    return _percent(value, places, locale)


def format_number(value: int | Decimal | float, locale: str | None = None) -> str:
    return _formatted("number", str(value), 0, locale or current_locale())


def format_decimal(value: Decimal | int, places: int = 2, locale: str | None = None) -> str:
    return _formatted("decimal", str(value), places, locale or current_locale())


# Where CLDR's symbol is not what the locale's readers write: Romanian texts say 'lei', not 'RON'.
LOCAL_CURRENCY_WORDS = {("ro", "RON"): "lei"}


def format_money(value: Decimal, currency: str, locale: str | None = None, places: int = 2) -> str:
    """'1.486,00 lei' for ro, '1 486,00 kr' for sv, 'RON 1,486.00' for en (a no-break space)."""
    return _formatted("money", str(value), places, locale or current_locale(), currency)


def _money(value: Decimal, currency: str, locale: str, places: int) -> str:
    word = LOCAL_CURRENCY_WORDS.get((locale, currency))
    if word:
        return f"{format_decimal(value, places, locale)}\u00a0{word}"
    pattern = None
    if places != 2:
        base = Locale.parse(locale).currency_formats["standard"].pattern
        pattern = base.replace("#,##0.00", "#,##0" + ("." + "0" * places if places else ""))
    text = numbers.format_currency(value, currency, format=pattern, locale=locale, currency_digits=places == 2)
    # CLDR's currency spacing, which Babel leaves out: a symbol of letters stands a no-break space apart
    # from the digits ('RON 1,486.00', not 'RON1,486.00'); '€1,486.00' and '1 486,00 kr' stay as they are.
    return _LETTER_BESIDE_DIGIT.sub("\u00a0", text)


_LETTER_BESIDE_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")


def format_percent(value: Decimal | int, places: int = 0, locale: str | None = None) -> str:
    """``value`` is a percentage (86 means 86 %), formatted the locale's way."""
    return _formatted("percent", str(value), places, locale or current_locale())


def _percent(value: Decimal, places: int, locale: str) -> str:
    pattern = "#,##0" + ("." + "0" * places if places else "") + "\u00a0%"
    locale_pattern = Locale.parse(locale).percent_formats[None].pattern
    if "\u00a0%" not in locale_pattern and " %" not in locale_pattern:
        pattern = pattern.replace("\u00a0%", "%")
    return numbers.format_percent(Decimal(value) / 100, format=pattern, locale=locale, decimal_quantization=True)


# --- numbers as people type them -----------------------------------------------------------------
#
# Typed text is read the way its writer's locale writes numbers, never by guessing the decimal mark
# from the text: in Romanian '1.486' is one thousand four hundred eighty-six (how the plan's own PDF
# prints it), in English it is one point four eight six. Plan documents are not typed text: they
# keep the locale-free canonical form ("1486.00"), read by core.interchange.

MINUS_SIGNS = ("-", "\u2212")  # ASCII hyphen-minus, and the minus sign CLDR gives some locales
SPACES = (" ", "\u00a0", "\u202f")  # where a locale groups with a space, people type any of these


class NumberError(ValueError):
    """Text that is not a number as ``locale`` writes one. ``message`` is translated (into the
    current locale) and shows how to write it; ``str(error)`` is the same message."""

    def __init__(self, text: str, message: str) -> None:
        super().__init__(message)
        self.text = text
        self.message = message


class AmountError(ValueError):
    """An amount with more decimals than its currency has; ``message`` is translated."""

    def __init__(self, number: Decimal, currency: str, message: str) -> None:
        super().__init__(message)
        self.number, self.currency, self.message = number, currency, message


def number_example(locale: str, places: int = 2, grouped: bool = True) -> str:
    """1486.50 written the locale's way: ro '1.486,50', sv '1 486,50', en '1,486.50'."""
    pattern = ("#,##0" if grouped else "0") + ("." + "0" * places if places else "")
    return numbers.format_decimal(Decimal("1486.50"), format=pattern, locale=locale)


def _refused(text: str, locale: str, whole: bool = False) -> NumberError:
    places = 0 if whole else 2
    example, plain = number_example(locale, places), number_example(locale, places, grouped=False)
    if whole:
        message = _("'%(value)s' cannot be read as a whole number: write it like %(example)s or %(plain)s.",
                    value=text, example=example, plain=plain)
    else:
        message = _("'%(value)s' cannot be read as a number: write it like %(example)s or %(plain)s.",
                    value=text, example=example, plain=plain)
    return NumberError(text, message)


@lru_cache(maxsize=32)
def _number_shape(locale: str) -> tuple[str, str, re.Pattern[str]]:
    """The locale's group and decimal symbols, and the characters a number of it may hold."""
    group, decimal = numbers.get_group_symbol(locale), numbers.get_decimal_symbol(locale)
    groups = "".join(SPACES) if group in SPACES else group
    shape = re.compile(rf"\d[\d{re.escape(groups)}]*(?:{re.escape(decimal)}\d+)?")
    return group, decimal, shape


def parse_decimal(text: str, locale: str | None = None) -> Decimal:
    """A number typed the way ``locale`` writes it (default: the current locale).

    ro '1.486' = 1486 and '1.486,5' = 1486.5; sv '1 486,5' (space, no-break or narrow no-break
    space) = 1486.5; en '1,486.5' = 1486.5; plain digits ('1486') in every locale; a leading '-' or
    '−'. Raises :class:`NumberError` for anything else: misplaced group separators ('1.48.6',
    '1,4,86'), the other locale's decimal mark ('12.5' in ro), exponents, NaN, infinity.
    """
    locale = locale or current_locale()
    typed = str(text).strip()
    negative = typed[:1] in MINUS_SIGNS
    unsigned = typed[1:] if negative else typed
    group, _decimal, shape = _number_shape(locale)
    if not shape.fullmatch(unsigned):
        raise _refused(typed, locale)
    if group in SPACES:
        unsigned = re.sub(f"[{''.join(SPACES)}]", group, unsigned)
    try:  # Babel's strict mode checks where the group separators stand, with the locale's own grouping
        number = numbers.parse_decimal(unsigned, locale=locale, strict=True)
    except numbers.NumberFormatError:
        raise _refused(typed, locale) from None
    return -number if negative else number


def parse_integer(text: str, locale: str | None = None) -> int:
    """A whole number typed the way ``locale`` writes it: ro '1.200' = 1200. Raises NumberError."""
    locale = locale or current_locale()
    try:
        number = parse_decimal(text, locale)
    except NumberError:
        raise _refused(str(text).strip(), locale, whole=True) from None
    if number != number.to_integral_value():
        raise _refused(str(text).strip(), locale, whole=True)
    return int(number)


def _currency_marks(currency: str, locale: str) -> list[str]:
    """How an amount's currency may stand beside it: the locale's symbol or word, and the code."""
    marks = [LOCAL_CURRENCY_WORDS.get((locale, currency)), numbers.get_currency_symbol(currency, locale), currency]
    return sorted({mark for mark in marks if mark}, key=len, reverse=True)


def parse_money(text: str, currency: str, locale: str | None = None) -> Decimal:
    """An amount typed the way ``locale`` writes it, with or without its currency as
    :func:`format_money` prints it ('1.486,50 lei', '1 486,50 kr', 'RON 1,486.50'). Raises NumberError."""
    locale = locale or current_locale()
    typed = str(text).strip()
    bare = typed
    for mark in _currency_marks(currency, locale):
        if bare.endswith(mark) or bare.lstrip("".join(MINUS_SIGNS)).startswith(mark):
            bare = bare.replace(mark, "", 1).strip()
            bare = re.sub(r"^([-\u2212]?)\s+", r"\1", bare)  # '-RON 1,486.50': the sign, then the digits
            break
    try:
        return parse_decimal(bare, locale)
    except NumberError:
        raise _refused(typed, locale) from None


def currency_places(currency: str) -> int:
    """How many decimals the currency has (CLDR): RON, SEK and EUR 2."""
    return numbers.get_currency_precision(currency)


def has_places(number: Decimal, places: int) -> bool:
    """True when ``number`` has at most ``places`` decimals (trailing zeros do not count). Read from its
    digits, so exact for a number of any size (quantize would fail beyond the context's 28 digits)."""
    if not number.is_finite():
        return False
    if not number:
        return True
    _sign, digits, exponent = number.as_tuple()
    text = "".join(map(str, digits))
    return int(exponent) + len(text) - len(text.rstrip("0")) >= -places


def check_amount(number: Decimal, currency: str) -> Decimal:
    """``number`` if it has no more decimals than ``currency`` allows; else AmountError, never rounding."""
    places = currency_places(currency)
    if not has_places(number, places):
        message = ngettext("An amount in %(currency)s has at most %(num)s decimal.",
                           "An amount in %(currency)s has at most %(num)s decimals.", places, currency=currency)
        raise AmountError(number, currency, message)
    return number


def decimal_from_cell(value: int | float | Decimal) -> Decimal:
    """A spreadsheet's numeric cell (openpyxl gives int, float or Decimal) as a Decimal; text cells
    go through :func:`parse_decimal` instead. A float becomes the shortest text that reads back as
    it, which is what was typed. Raises ValueError for bools and non-finite values."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise ValueError(value)
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise ValueError(value)
    return number


def format_input(value: Decimal | int, locale: str | None = None) -> str:
    """A number as a form shows it back for editing: the locale's separators, every digit kept
    (ro '1.486,5'), so that saving the form unchanged reads back the same value."""
    return numbers.format_decimal(Decimal(value), locale=locale or current_locale(), decimal_quantization=False)


def format_date(value: dt.date | None, locale: str | None = None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    return babel_dates.format_date(value, format=fmt, locale=locale or current_locale())
