import django_filters
from django import forms

from .models import Speaker, Speech, Venue

SORT_CHOICES = [("relevance", "Relevance"), ("newest", "Newest first"), ("oldest", "Oldest first")]


class SpeechFilter(django_filters.FilterSet):
    """Narrow speeches by who speaks, where, what kind, language and date; shared by search and lists."""

    # Text boxes for the slug rather than menus of every speaker and venue: the facets offer the likely ones.
    speaker = django_filters.ModelChoiceFilter(
        field_name="speakers",
        to_field_name="slug",
        queryset=Speaker.objects.all(),
        label="Speaker",
        widget=forms.TextInput(attrs={"placeholder": "e.g. vladimir-putin"}),
        error_messages={"invalid_choice": "No speaker with this address name."},
    )
    venue = django_filters.ModelChoiceFilter(
        to_field_name="slug",
        queryset=Venue.objects.all(),
        label="Venue",
        widget=forms.TextInput(attrs={"placeholder": "e.g. the-kremlin-moscow"}),
        error_messages={"invalid_choice": "No venue with this address name."},
    )
    kind = django_filters.ChoiceFilter(choices=Speech.Kind.choices, label="Kind", empty_label="Any kind")
    lang = django_filters.ChoiceFilter(
        field_name="language", choices=Speech.Language.choices, label="Language", empty_label="Any language"
    )
    date_from = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = django_filters.ChoiceFilter(
        choices=SORT_CHOICES, method="sort_speeches", label="Order", empty_label=None, null_value=None
    )

    class Meta:
        model = Speech
        fields = ["speaker", "venue", "kind", "lang", "date_from", "date_to", "sort"]

    def sort_speeches(self, queryset, name, value):
        # Lists have no relevance of their own: they stay newest first.
        if value == "oldest":
            return queryset.order_by("date", "time", "id")
        return queryset

    def clean_form_errors(self):
        """The form's errors as one readable sentence per field."""
        return [f"{self.form.fields[name].label}: {' '.join(errors)}" for name, errors in self.form.errors.items()]
