"""Form helpers for a plugin's row forms and pages (WTForms through Flask-WTF)."""

from __future__ import annotations

from core.web.forms import (  # FlaskForm and Form keep core's rule for text (core.text.clean_text)
    FlaskForm,
    Form,
    Group,
    Layout,
    LocaleAmountField,
    LocaleDecimalField,
    LocaleIntegerField,
    LocaleLabel,
    Within,
    attach_error,
    choices,
    months_from_text,
    number_too_large,
    range_message,
    translated_data,
    translated_form_data,
)

# One line per name for docs/plugin-sdk.md (None: the object's own docstring says it).
DOCS = {
    "FlaskForm": "a page's form, with CSRF protection",
    "Form": "a row form of a plan section (no CSRF of its own: the page's form has it)",
    "Group": "a group of fields shown together in a row form's layout",
    "Layout": 'how a row form lays out its groups',
    "LocaleAmountField": "an amount typed in the user's language, in the municipality's currency",
    "LocaleDecimalField": "a decimal typed in the user's language",
    "LocaleIntegerField": "a whole number typed in the user's language",
    "LocaleLabel": 'a field label per language',
    "Within": 'a validator: a number between two bounds',
    "attach_error": "put a service's message beside its field (or on top of the form)",
    "choices": '(value, label) pairs for a SelectField, labels translated',
    "months_from_text": 'months of a period typed as text',
    "number_too_large": "the refusal of a number no column can keep, or None",
    "range_message": "'Enter a number from 0 to 1,000,000.' in the page's language",
    "translated_data": "a translatable field's values per language",
    "translated_form_data": "a form's data with its translatable fields per language",
}

__all__ = [
    "FlaskForm",
    "Form",
    "Group",
    "Layout",
    "LocaleAmountField",
    "LocaleDecimalField",
    "LocaleIntegerField",
    "LocaleLabel",
    "Within",
    "attach_error",
    "choices",
    "months_from_text",
    "number_too_large",
    "range_message",
    "translated_data",
    "translated_form_data",
]
