from django import forms

from . import reading


class ReadingSettingsForm(forms.Form):
    """The view-settings panel; a setting left out keeps the reader's current value."""

    reset = forms.BooleanField(required=False)
    next = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for setting in reading.SETTINGS:
            self.fields[setting.name] = forms.ChoiceField(
                label=setting.label,
                choices=setting.choices,
                required=False,
                error_messages={
                    "invalid_choice": f"“%(value)s” is not one of the choices for {setting.label.lower()}.",
                },
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
        label="Paragraph",
        error_messages={"invalid": "The paragraph must be given as a number, e.g. 5."},
    )


class SearchForm(forms.Form):
    q = forms.CharField(required=False, label="Search the transcripts")
    exact = forms.BooleanField(required=False, label="Exact words (no stemming)")


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
            "required": "Give the start of a name, e.g. ?q=put.",
            "max_length": "A name is at most %(limit_value)d characters long.",
        },
    )
