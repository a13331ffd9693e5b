from django import forms
from django.utils.translation import gettext, gettext_lazy, ngettext_lazy

from . import reading
from .search.query import QueryError, parse_query
from .search.types import SearchParams


class ReadingSettingsForm(forms.Form):
    """The view-settings panel; a setting left out keeps the reader's current value."""

    reset = forms.BooleanField(required=False)
    next = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for setting in reading.SETTINGS:
            # The value refused is filled in by the field itself when it reports the error.
            # Translators: %(setting)s is a view setting's name in lower case, e.g. “text size”.
            invalid_choice = gettext("“%(value)s” is not one of the choices for %(setting)s.") % {
                "value": "%(value)s",
                "setting": str(setting.label).lower().replace("%", "%%"),
            }
            self.fields[setting.name] = forms.ChoiceField(
                label=setting.label,
                choices=setting.choices,
                required=False,
                error_messages={"invalid_choice": invalid_choice},
            )

    def settings_given(self):
        return {
            setting.name: self.cleaned_data[setting.name]
            for setting in reading.SETTINGS
            if self.cleaned_data[setting.name]
        }


class CiteForm(forms.Form):
    p = forms.IntegerField(
        required=False,
        min_value=1,
        label=gettext_lazy("Paragraph"),
        error_messages={"invalid": gettext_lazy("The paragraph must be given as a number, e.g. 5.")},
    )


class SearchForm(forms.Form):
    """The search box and its options; with the filter set's choices, the whole of a search's parameters."""

    q = forms.CharField(required=False, label=gettext_lazy("Search the transcripts"))
    exact = forms.BooleanField(required=False, label=gettext_lazy("Exact words (no stemming)"))
    # Anything that is not a page number from 1 is the first page: a shared link with a stray page still works.
    page = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_q(self):
        text = self.cleaned_data["q"]
        try:
            self.cleaned_data["query"] = parse_query(text) if text else None
        except QueryError as error:
            raise forms.ValidationError(str(error), code="query") from error
        return text

    def clean_page(self):
        value = self.cleaned_data["page"]
        # ASCII digits only: str.isdigit() also accepts "²", which int() refuses; and few enough for int() to read.
        if value.isascii() and value.isdigit() and len(value) <= 18:
            return max(int(value), 1)
        return 1

    def search_params(self, filters):
        """The SearchParams for this form and the filter set's cleaned data."""
        data = self.cleaned_data
        return SearchParams(
            query=data["query"],
            text=data["q"],
            exact=data["exact"],
            speaker=filters["speaker"].pk if filters.get("speaker") else None,
            venue=filters["venue"].pk if filters.get("venue") else None,
            topic=filters["topic"].pk if filters.get("topic") else None,
            place=filters["place"].pk if filters.get("place") else None,
            kind=filters.get("kind") or "",
            language=filters.get("lang") or "",
            date_from=filters.get("date_from"),
            date_to=filters.get("date_to"),
            sort=filters.get("sort") or "relevance",
            page=data["page"],
        )


class TranscriptEditForm(forms.Form):
    """A speech's whole transcript as one text, in the archive's plain-text form, and a note on the change."""

    transcript = forms.CharField(
        strip=False,
        widget=forms.Textarea(attrs={"rows": 30, "cols": 120, "spellcheck": "false", "class": "transcript-text"}),
        help_text="One paragraph per block, a blank line between blocks. “Name: text” starts a turn; “## ” starts "
        "a heading; “(Applause.)” is a stage direction; “* * *” is a separator; a backslash at the start keeps a "
        "paragraph as plain text.",
    )
    note = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"size": 90}),
        help_text="What changed and why; shown with the version in the speech's history.",
    )


class NameSuggestionForm(forms.Form):
    q = forms.CharField(
        max_length=200,
        error_messages={
            "required": gettext_lazy("Give the start of a name, e.g. ?q=put."),
            "max_length": ngettext_lazy(
                "A name is at most %(limit_value)d character long.",
                "A name is at most %(limit_value)d characters long.",
                "limit_value",
            ),
        },
    )


class NameIndexForm(forms.Form):
    """How the list of all speakers or all venues is shown: its order, and the letter names begin with."""

    sort = forms.ChoiceField(
        required=False,
        choices=[("name", gettext_lazy("By name")), ("addresses", gettext_lazy("By number of addresses"))],
        error_messages={
            "invalid_choice": gettext_lazy("“%(value)s” is not a way to sort this list: choose by name or by number.")
        },
    )
    letter = forms.CharField(
        required=False,
        max_length=1,
        error_messages={"max_length": gettext_lazy("Choose one letter, as in the list of letters.")},
    )
    page = forms.CharField(required=False)

    def clean_letter(self):
        letter = self.cleaned_data["letter"]
        if letter and not letter.isalpha():
            raise forms.ValidationError(gettext("Choose one letter, as in the list of letters."), code="letter")
        return letter.upper()


class PersonAddressesForm(forms.Form):
    """Which of a person's addresses their page lists: those they speak in, those filed under them, or both."""

    addresses = forms.ChoiceField(
        required=False,
        choices=[
            ("spoken", gettext_lazy("Speaks in")),
            ("filed", gettext_lazy("Filed under them")),
            ("all", gettext_lazy("Both")),
        ],
        error_messages={
            "invalid_choice": gettext_lazy(
                "“%(value)s” is not a list of this person's addresses: choose spoken, filed or all."
            )
        },
    )
