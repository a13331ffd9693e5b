"""How the API shows the archive's records: one shape per record, shared by its lists, its details and search.

Every address in an answer is absolute: `url` is the record's public page, `api_url` its place in the API.
"""

from django.http import QueryDict
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from speeches.models import Paragraph, Speech


def absolute(field, location):
    return field.context["request"].build_absolute_uri(location)


@extend_schema_field(OpenApiTypes.URI)
class PageURL(serializers.Field):
    """The absolute address of the record's public page."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, record):
        return absolute(self, record.get_absolute_url())


@extend_schema_field(OpenApiTypes.URI)
class ApiURL(serializers.Field):
    """The absolute address of the record in the API."""

    def __init__(self, url_name, lookup, **kwargs):
        self.url_name, self.lookup = url_name, lookup
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, record):
        return absolute(self, api_path(self.url_name, record, self.lookup))


def api_path(url_name, record, lookup):
    return reverse(url_name, kwargs={lookup: getattr(record, lookup)})


@extend_schema_field(OpenApiTypes.URI)
class SpeechesOf(serializers.Field):
    """The address of the API's list of the published speeches narrowed to this speaker or venue."""

    def __init__(self, parameter, **kwargs):
        self.parameter = parameter
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, record):
        query = QueryDict(mutable=True)
        query[self.parameter] = record.slug
        return absolute(self, f"{reverse('api_speech_list')}?{query.urlencode()}")


@extend_schema_field({"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$", "example": "14:30"})
class ClockTime(serializers.TimeField):
    """A time of day as the archive's JSON writes it: hours and minutes."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


@extend_schema_field(OpenApiTypes.URI)
class TranslationURL(serializers.Field):
    """The API address of the same address in another language, while that one is published."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, translation):
        return absolute(self, api_path("api_speech_detail", translation, "id")) if translation.is_published else None


@extend_schema_field(OpenApiTypes.URI)
class AbsoluteURL(serializers.Field):
    """A path on this site, made absolute."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, path):
        return absolute(self, path)


class SpeakerLink(serializers.Serializer):
    name = serializers.CharField(help_text="The person's name as the archive shows it.")
    slug = serializers.CharField(help_text="The speaker's address name: `speaker=` takes it.")
    url = PageURL(help_text="The speaker's page.")
    api_url = ApiURL("api_speaker_detail", "slug", help_text="The speaker in the API.")


class VenueLink(serializers.Serializer):
    name = serializers.CharField(help_text="The place as printed.")
    slug = serializers.CharField(help_text="The venue's address name: `venue=` takes it.")
    url = PageURL(help_text="The venue's page.")
    api_url = ApiURL("api_venue_detail", "slug", help_text="The venue in the API.")


class SpeakerSerializer(SpeakerLink):
    role = serializers.CharField(help_text="The current role or title; empty where unknown.")
    addresses = serializers.IntegerField(help_text="How many published addresses the speaker speaks in.")
    speeches_url = SpeechesOf("speaker", help_text="The API's list of those addresses.")


class VenueSerializer(VenueLink):
    city = serializers.CharField(help_text="The city, where known; else empty.")
    region = serializers.CharField(help_text="The region or country, where known; else empty.")
    addresses = serializers.IntegerField(help_text="How many published addresses were given there.")
    speeches_url = SpeechesOf("venue", help_text="The API's list of those addresses.")


class SpeechSummary(serializers.Serializer):
    id = serializers.IntegerField(help_text="The speech's number in the archive; `/api/speeches/{id}/` shows it.")
    url = PageURL(help_text="The address's public page.")
    api_url = ApiURL("api_speech_detail", "id", help_text="The address in the API, with its transcript.")
    title = serializers.CharField(help_text="The title as the source prints it.")
    date = serializers.DateField(help_text="The day the address was given.")
    time = ClockTime(allow_null=True, help_text="Local time (Moscow) when known, else null.")
    kind = serializers.ChoiceField(Speech.Kind.choices, help_text="What sort of address this is.")
    language = serializers.ChoiceField(Speech.Language.choices, help_text="The language of the transcript.")
    venue = VenueLink(allow_null=True, help_text="Where it was given; null where unknown.")
    speakers = SpeakerLink(many=True, help_text="Everyone who speaks in the transcript, by name.")
    lead = serializers.CharField(help_text="A short summary; empty where there is none.")
    source_url = serializers.CharField(help_text="Where the transcript was first published; empty where unknown.")
    updated = serializers.DateTimeField(help_text="When the record last changed.")


class ParagraphSerializer(serializers.Serializer):
    position = serializers.IntegerField(help_text="Its place in the transcript, from 1; the page's anchor is #p{n}.")
    kind = serializers.ChoiceField(Paragraph.Kind.choices, help_text="What this paragraph is.")
    speaker = serializers.CharField(
        source="speaker.slug", allow_null=True, help_text="The slug of one of the speakers; null for anonymous turns."
    )
    speaker_label = serializers.CharField(
        help_text="The label as printed where a turn begins; empty where the same speaker goes on."
    )
    text = serializers.CharField(help_text="The paragraph's text, without the speaker label.")


class SpeechSerializer(SpeechSummary):
    paragraphs = ParagraphSerializer(source="paragraph_list", many=True, help_text="The transcript, in order.")
    translation = TranslationURL(help_text="The same address in another language, in the API; null where none.")


class MatchSerializer(serializers.Serializer):
    position = serializers.IntegerField(
        source="paragraph.position",
        allow_null=True,
        help_text="The paragraph's position; null where the title or lead matched.",
    )
    url = AbsoluteURL(help_text="The address's page, at the paragraph (#p{n}).")
    html = serializers.CharField(
        source="snippet", help_text="The text around the matching words, HTML-escaped, each match in <mark>."
    )


class SearchHitSerializer(SpeechSummary):
    matches = MatchSerializer(many=True, help_text="The best matching paragraphs, best first.")


class SearchPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="How many addresses match.")
    paragraph_count = serializers.IntegerField(help_text="How many of their paragraphs match.")
    next = serializers.URLField(allow_null=True, help_text="The next page of results; null on the last.")
    previous = serializers.URLField(allow_null=True, help_text="The previous page of results; null on the first.")
    suggestion = serializers.CharField(help_text="The query with misspelt words corrected; empty where none is.")
    cut_prefixes = serializers.ListField(
        child=serializers.CharField(),
        help_text="Prefixes (word*) that fit too many words: only their most frequent words were searched.",
    )
    timed_out = serializers.BooleanField(
        help_text="Whether the search ran out of time: the results are then what it found by then."
    )
    results = SearchHitSerializer(many=True, help_text="The matching addresses on this page, in the order asked.")


class ConcordanceLineSerializer(serializers.Serializer):
    speech = serializers.IntegerField(help_text="The address's id.")
    title = serializers.CharField(help_text="The address's title.")
    date = serializers.DateField(help_text="The address's date.")
    paragraph = serializers.IntegerField(help_text="The paragraph's number in the transcript, from 1.")
    speaker = serializers.CharField(help_text="Who says the paragraph; empty where nobody is named.")
    url = serializers.URLField(help_text="The paragraph on the address's page.")
    left = serializers.CharField(help_text="The words before the keyword, cut to about 80 characters.")
    keyword = serializers.CharField(help_text="The occurrence, as written in the transcript.")
    right = serializers.CharField(help_text="The words after the keyword, cut to about 80 characters.")


class ConcordancePageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="How many occurrences there are: the lines on every page.")
    next = serializers.URLField(allow_null=True, help_text="The next page of lines; null on the last.")
    previous = serializers.URLField(allow_null=True, help_text="The previous page of lines; null on the first.")
    results = ConcordanceLineSerializer(many=True, help_text="The lines on this page, in the order asked.")


class NameChoiceSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="A speaker or venue the parameter may mean.")
    detail = serializers.CharField(help_text="A speaker's role, or a venue's city and region.")
    addresses = serializers.IntegerField(help_text="Its published addresses.")
    url = serializers.URLField(help_text="This request with the parameter narrowed to it.")


class ErrorSerializer(serializers.Serializer):
    parameter = serializers.CharField(allow_null=True, help_text="The parameter at fault; null for the request.")
    message = serializers.CharField(help_text="What is wrong, in a sentence.")
    choices = NameChoiceSerializer(
        many=True, help_text="Where a name fits several speakers or venues, or none: those it may mean."
    )


class ErrorsSerializer(serializers.Serializer):
    errors = ErrorSerializer(many=True)


class RootSerializer(serializers.Serializer):
    speeches = AbsoluteURL(help_text="The published addresses, with the archive's filters.")
    search = AbsoluteURL(help_text="Search of the published transcripts; needs `q`.")
    concordance = AbsoluteURL(help_text="Every occurrence of a query in its context; needs `q`.")
    speakers = AbsoluteURL(help_text="The speakers of published addresses.")
    venues = AbsoluteURL(help_text="The venues of published addresses.")
    openapi = AbsoluteURL(help_text="The OpenAPI 3 document of the API.")
    documentation = AbsoluteURL(help_text="The API's documentation page.")
