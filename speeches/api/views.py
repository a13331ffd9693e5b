"""The API's answers: lists and details of the published speeches, speakers and venues, and search.

Each view reads its parameters with the archive's own filter set and search form, marks what its answer shows for
the page cache, and answers a bad parameter with 400 and a list of errors, each naming the parameter at fault.
"""

import logging

import django_filters
from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Count, Q
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions, generics
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from speeches import page_cache, research
from speeches import search as search_index
from speeches.filters import SORT_CHOICES, NameFilter, SpeechFilter
from speeches.models import CHRONOLOGICAL_DESC, Speaker, SpeakerRedirect, Speech, Venue, VenueRedirect
from speeches.search import (
    RESULTS_PER_PAGE,
    IndexUnavailable,
    QueryError,
    SearchTimeout,
    as_phrase,
    only_common_words,
)
from speeches.search_views import RETRY_AFTER_REBUILD, RETRY_AFTER_TIMEOUT, read_search
from speeches.views import shows_speech

from . import serializers

logger = logging.getLogger(__name__)

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


# Errors ---------------------------------------------------------------------------------------------------------


def error(message, parameter=None, choices=()):
    return {"parameter": parameter, "message": str(message), "choices": list(choices)}


class BadParameters(exceptions.APIException):
    """A request whose parameters cannot be answered: 400, with one error per parameter at fault."""

    status_code = 400

    def __init__(self, errors):
        super().__init__([entry["message"] for entry in errors])
        self.errors = errors


class SearchUnavailable(exceptions.APIException):
    """Search cannot answer just now: 503, asking to come back after `wait` seconds (Retry-After)."""

    status_code = 503

    def __init__(self, message, wait):
        super().__init__(message)
        self.wait = wait


def exception_handler(exc, context):
    """Answer every refusal in one shape: {"errors": [{"parameter", "message", "choices"}]}."""
    response = drf_exception_handler(exc, context)
    if response is not None:
        response.data = {"errors": getattr(exc, "errors", None) or [error(m) for m in _messages(response.data)]}
    return response


def _messages(data):
    if isinstance(data, dict):
        return [message for value in data.values() for message in _messages(value)]
    if isinstance(data, list):
        return [message for value in data for message in _messages(value)]
    return [data]


ERRORS = OpenApiResponse(serializers.ErrorsSerializer, description="What is wrong, one error per parameter at fault.")
NOT_FOUND = OpenApiResponse(serializers.ErrorsSerializer, description="No such record, or no such page.")


# Answers in one format, in one language -------------------------------------------------------------------------


class OneFormat(BaseContentNegotiation):
    """Answer in the view's one format whatever the client accepts: an answer is then the same for every client,
    which lets the page cache keep it whole.

    Nor does it read the query, as Django REST framework's own negotiation does: a method other than GET, HEAD and
    OPTIONS is refused with 405 before the query is read, however it is malformed.
    """

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ApiView(generics.GenericAPIView):
    content_negotiation_class = OneFormat

    def initial(self, request, *args, **kwargs):
        # The API speaks English whatever the reader's view settings: its messages are part of its interface.
        translation.activate(settings.LANGUAGE_CODE)
        super().initial(request, *args, **kwargs)


# Where everything is ---------------------------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        operation_id="root",
        summary="Where each part of the API is",
        responses={200: serializers.RootSerializer},
    )
)
class Root(ApiView):
    """The address of each part of the API and of its documentation: where a client starts."""

    serializer_class = serializers.RootSerializer
    PARTS = {
        "speeches": "api_speech_list",
        "search": "api_search",
        "concordance": "api_concordance",
        "speakers": "api_speaker_list",
        "venues": "api_venue_list",
        "openapi": "api_schema",
        "documentation": "api_docs",
    }

    def get(self, request):
        return Response(self.get_serializer({part: reverse(name) for part, name in self.PARTS.items()}).data)


# It changes nothing, so a POST needs no CSRF token to be told the address does not exist.
@csrf_exempt
def no_such_address(request, path):
    """Any other address under /api/: 404 in the API's own shape, pointing to where the addresses are listed.

    An address that only lacks its final slash is read at that address, as Django's CommonMiddleware sends the
    pages there; other methods are not sent on, as their bodies would not follow.
    """
    if request.method in ("GET", "HEAD") and not path.endswith("/"):
        try:
            found = resolve(request.path_info + "/")
        except Resolver404:
            found = None
        if found is not None and found.func is not no_such_address:
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    message = (
        f"The API has no address “{request.path}”. {request.build_absolute_uri(reverse('api_root'))} lists its "
        f"parts, and {request.build_absolute_uri(reverse('api_docs'))} documents them."
    )
    return JsonResponse({"errors": [error(message)]}, status=404, json_dumps_params={"ensure_ascii": False})


# Pages ----------------------------------------------------------------------------------------------------------


def page_of(paginator, number):
    """The page a client asked for, by its number as given; NotFound, saying which pages there are, for any other."""
    try:
        return paginator.page(number)
    except PageNotAnInteger:
        raise exceptions.NotFound(f"There is no page “{number}”: pages are numbered from 1.") from None
    except EmptyPage:
        raise exceptions.NotFound(f"There is no page “{number}”: pages run from 1 to {paginator.num_pages}.") from None


PAGE = OpenApiParameter(
    "page", {"type": "integer", "minimum": 1}, description="The page, from 1; past the last page answers 404."
)


class Pages(PageNumberPagination):
    """Pages of PAGE_SIZE records, or of `page_size` up to MAX_PAGE_SIZE; any other page or size is refused."""

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        if value.isascii() and value.isdigit() and len(value) <= 3 and 1 <= int(value) <= self.max_page_size:
            return int(value)
        raise BadParameters(
            [
                error(
                    f"page_size must be a whole number from 1 to {self.max_page_size}; got “{value}”.",
                    self.page_size_query_param,
                )
            ]
        )

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        self.page = page_of(paginator, request.query_params.get(self.page_query_param, 1))
        return list(self.page)

    def get_schema_operation_parameters(self, view):
        return [
            {"name": "page", "required": False, "in": "query", "description": PAGE.description}
            | {"schema": {"type": "integer", "minimum": 1}},
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Records per page, from 1 to {self.max_page_size}; {self.page_size} if not given.",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]


class SearchPages(Pages):
    """Pages of a search: as many addresses as the search page shows, the bound on what a search costs."""

    page_size = RESULTS_PER_PAGE
    page_size_query_param = None


# Filters --------------------------------------------------------------------------------------------------------

FILTER_DESCRIPTIONS = {
    "speaker": "Addresses this person speaks in: an address name (vladimir-putin) or a name as people type it, in "
    "any spelling the archive knows, a surname alone, Cyrillic or Latin. A name that fits several people, or "
    "none, is refused with the names it may mean.",
    "venue": "Addresses given at this place: an address name (the-kremlin-moscow) or a name as people type it.",
    "topic": "Addresses the source files under this topic: its address name (foreign-policy), as /topics/ lists them.",
    "place": "Addresses the source files under this country or region: its address name (turkey), as /places/ lists "
    "them.",
    "kind": "Addresses of this kind.",
    "lang": "Transcripts in this language.",
    "date_from": "Addresses given on this day or later (YYYY-MM-DD).",
    "date_to": "Addresses given on this day or earlier (YYYY-MM-DD).",
    "sort": "The order: oldest for oldest first; newest, the default, and relevance keep newest first.",
}


def _filter_parameter(name, spec):
    description = FILTER_DESCRIPTIONS[name]
    if isinstance(spec, (NameFilter, django_filters.ModelChoiceFilter)):
        return OpenApiParameter(name, OpenApiTypes.STR, description=description)
    if "choices" in spec.extra:
        return OpenApiParameter(
            name, OpenApiTypes.STR, description=description, enum=[v for v, _ in spec.extra["choices"]]
        )
    return OpenApiParameter(name, OpenApiTypes.DATE, description=description)


# The archive's filters, as the archive's filter set declares them.
FILTERS = [_filter_parameter(name, spec) for name, spec in SpeechFilter.base_filters.items()]
SORTS = [value for value, _ in SORT_CHOICES]


def empty_filters_allowed(result, generator, request, public):
    """Say in the OpenAPI document that a filter given empty is no filter, as the archive's filter set reads it."""
    for operations in result["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and parameter["name"] in SpeechFilter.base_filters:
                    parameter["allowEmptyValue"] = True
    return result


def api_errors(request, problems):
    """The archive's FilterErrors as the API's errors, with the speakers or venues a name may mean, each as this
    request narrowed."""
    return [
        error(
            found.text,
            found.parameter,
            [
                {
                    "name": choice.name,
                    "detail": choice.detail,
                    "addresses": choice.addresses,
                    "url": request.build_absolute_uri(choice.url),
                }
                for choice in found.choices
            ],
        )
        for found in problems
    ]


def filtered(request, speeches):
    filterset = SpeechFilter(request.query_params, queryset=speeches)
    if not filterset.is_valid():
        raise BadParameters(api_errors(request, filterset.clean_form_errors()))
    return filterset.qs


# Speeches -------------------------------------------------------------------------------------------------------

SPEECH_ID = OpenApiParameter(
    "id", {"type": "integer", "minimum": 1}, OpenApiParameter.PATH, description="The speech's id."
)


@extend_schema_view(
    get=extend_schema(
        operation_id="speeches_list",
        summary="Published addresses, newest first",
        parameters=FILTERS,
        responses={200: serializers.SpeechSummary(many=True), 400: ERRORS, 404: NOT_FOUND},
    )
)
class SpeechList(ApiView, generics.ListAPIView):
    """The published addresses, newest first (by date, time and id), narrowed by the archive's filters."""

    serializer_class = serializers.SpeechSummary
    pagination_class = Pages

    def get_queryset(self):
        page_cache.depends_on(self.request, page_cache.LISTINGS)
        return filtered(self.request, Speech.objects.published().for_listing().order_by(*CHRONOLOGICAL_DESC))


@extend_schema_view(
    get=extend_schema(
        operation_id="speeches_retrieve",
        summary="One published address with its transcript",
        parameters=[SPEECH_ID],
        responses={200: serializers.SpeechSerializer, 404: NOT_FOUND},
    )
)
class SpeechDetail(ApiView):
    """One published address: its details, its transcript paragraph by paragraph, and its translation."""

    serializer_class = serializers.SpeechSerializer

    def get(self, request, id):
        speech = None
        # Only what can be an id reaches the database: ASCII digits, few enough for any integer column.
        if id.isascii() and id.isdigit() and len(id) <= 18:
            speeches = Speech.objects.published().select_related("venue", "translation")
            speech = speeches.prefetch_related("speakers", "paragraphs").filter(pk=int(id)).first()
        if speech is None:
            raise exceptions.NotFound(f"No published address has the id “{id}”.")
        speech.paragraph_list = speech.transcript()
        shows_speech(request, speech, speech.paragraph_list, others=[speech.translation])
        return Response(self.get_serializer(speech).data)


# Search ---------------------------------------------------------------------------------------------------------

RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    OpenApiParameter.HEADER,
    description="Seconds to wait before trying again.",
    response=[503],
)
SEARCH_PARAMETERS = [
    OpenApiParameter(
        "q",
        OpenApiTypes.STR,
        required=True,
        description='What to find: words, "exact phrases", AND / OR / NOT, -word, prefix*. English and Russian '
        "words match their other forms unless exact is true.",
        examples=[
            OpenApiExample("Words", value="union state"),
            OpenApiExample("A phrase", value='"union state"'),
            OpenApiExample("Either word, and a prefix", value="belarus OR sanction*"),
        ],
    ),
    OpenApiParameter("exact", OpenApiTypes.BOOL, description="Match the words only as written (no stemming)."),
    *(parameter for parameter in FILTERS if parameter.name != "sort"),
    OpenApiParameter(
        "sort", OpenApiTypes.STR, enum=SORTS, description="The order: relevance (the default), newest or oldest first."
    ),
    PAGE,
]


@extend_schema_view(
    get=extend_schema(
        operation_id="search",
        summary="Search the published transcripts",
        parameters=[
            *SEARCH_PARAMETERS,
            RETRY_AFTER,
        ],
        responses={
            200: serializers.SearchPageSerializer,
            400: ERRORS,
            404: NOT_FOUND,
            503: OpenApiResponse(
                serializers.ErrorsSerializer,
                description="Search cannot answer just now: its index is being rebuilt, or the search took too long. "
                "Retry-After says when to try again.",
            ),
        },
    )
)
class SearchView(ApiView):
    """The addresses whose paragraphs match a query, with the same query language, filters, order and limits as
    the archive's search page; pages of ten addresses, each with its best matching paragraphs."""

    serializer_class = serializers.SearchPageSerializer

    def get(self, request):
        params = read_query(request)
        results = run_search(search_index.search, params)
        pages = SearchPages()
        pages.paginate_queryset(range(results.total), request)
        for hit in results.hits:
            hit.speech.matches = hit.paragraphs
        answer = {
            "count": results.total,
            "paragraph_count": results.paragraph_total,
            "next": pages.get_next_link(),
            "previous": pages.get_previous_link(),
            "suggestion": results.suggestion,
            "cut_prefixes": results.cut_prefixes,
            "timed_out": results.timed_out,
            "results": [hit.speech for hit in results.hits],
        }
        return Response(self.get_serializer(answer).data)


def read_query(request, *more_errors):
    """The SearchParams of a request that must hold a query; BadParameters for any bad parameter."""
    page_cache.depends_on(request, page_cache.LISTINGS)
    form, filterset, problems = read_search(request.query_params)
    errors = api_errors(request, problems) + list(more_errors)
    if not errors and form.cleaned_data["query"] is None:
        errors.append(error("A search needs the words to search for.", "q"))
    if errors:
        raise BadParameters(errors)
    tree = form.cleaned_data["query"]
    if only_common_words(tree):
        raise BadParameters(
            [
                error(
                    "Common words such as “the” are not searched on their own; put a phrase in quotes to find "
                    f"it: {as_phrase(tree)}",
                    "q",
                )
            ]
        )
    return form.search_params(filterset.form.cleaned_data)


def run_search(call, params, *args, **kwargs):
    """call(params, …), its failures answered in the API's shape: 400 for the query, 503 to come back later."""
    try:
        return call(params, *args, **kwargs)
    except (QueryError, research.ResearchError) as found:
        raise BadParameters([error(found, "order" if isinstance(found, research.ResearchError) else "q")]) from None
    except IndexUnavailable as found:
        logger.warning("Search unavailable: %s", found)
        raise SearchUnavailable(
            "The search index is being rebuilt; please try again shortly.", RETRY_AFTER_REBUILD
        ) from None
    except SearchTimeout:
        logger.warning("Search found nothing within %s s: %r", settings.SEARCH_TIME_BUDGET, params.text)
        raise SearchUnavailable(
            f"This search found nothing within {settings.SEARCH_TIME_BUDGET:g} seconds; try more specific "
            "words, or narrow it by speaker, venue, kind or dates.",
            RETRY_AFTER_TIMEOUT,
        ) from None


# Concordance ----------------------------------------------------------------------------------------------------


class ConcordancePages(Pages):
    """Pages of a concordance: as many lines as its page shows."""

    page_size = research.LINES_PER_PAGE
    page_size_query_param = None


CONCORDANCE_ORDERS = {
    "date": "oldest first (the default)",
    "newest": "newest first",
    "speaker": "by the speaker's name, then oldest first",
    "left": f"by the words left of the keyword, nearest first (up to {research.MAX_CONTEXT_SORT:,} lines)",
    "right": f"by the words right of the keyword (up to {research.MAX_CONTEXT_SORT:,} lines)",
}


@extend_schema_view(
    get=extend_schema(
        operation_id="concordance",
        summary="Every occurrence of a query in its context",
        parameters=[
            *(parameter for parameter in SEARCH_PARAMETERS if parameter.name != "sort"),
            OpenApiParameter(
                "order",
                OpenApiTypes.STR,
                enum=list(CONCORDANCE_ORDERS),
                description="The order of the lines: "
                + "; ".join(f"{name}, {meaning}" for name, meaning in CONCORDANCE_ORDERS.items())
                + ".",
            ),
            RETRY_AFTER,
        ],
        responses={
            200: serializers.ConcordancePageSerializer,
            400: ERRORS,
            404: NOT_FOUND,
            503: OpenApiResponse(
                serializers.ErrorsSerializer,
                description="The index is being rebuilt, or counting took too long. Retry-After says when to try "
                "again.",
            ),
        },
    )
)
class ConcordanceView(ApiView):
    """One line per occurrence of a query in the published paragraphs, with the words on either side, as the
    concordance page shows them: the same query language, filters and limits, in pages of fifty lines."""

    serializer_class = serializers.ConcordancePageSerializer

    def get(self, request):
        order = request.query_params.get("order") or "date"
        wrong = (
            []
            if order in CONCORDANCE_ORDERS
            else [error(f"order must be one of {', '.join(CONCORDANCE_ORDERS)}; got “{order}”.", "order")]
        )
        params = read_query(request, *wrong)
        number = request.query_params.get("page", "1")
        requested = int(number) if number.isascii() and number.isdigit() and len(number) <= 18 else 1
        result = run_search(research.concordance, params, sort=order, page=requested)
        pages = ConcordancePages()
        pages.paginate_queryset(range(result.total), request)
        answer = {
            "count": result.total,
            "next": pages.get_next_link(),
            "previous": pages.get_previous_link(),
            "results": [
                {
                    "speech": line.speech.pk,
                    "title": line.speech.title,
                    "date": line.speech.date,
                    "paragraph": line.paragraph.position,
                    "speaker": line.speaker_name,
                    "url": request.build_absolute_uri(line.url),
                    "left": line.left,
                    "keyword": line.keyword,
                    "right": line.right,
                }
                for line in result.lines
            ],
        }
        return Response(self.get_serializer(answer).data)


# Speakers and venues ----------------------------------------------------------------------------------------------


def with_addresses(model):
    """The model's records, each with its number of published addresses."""
    return model.objects.annotate(addresses=Count("speeches", filter=Q(speeches__status=Speech.Status.PUBLISHED)))


class NamedList(ApiView, generics.ListAPIView):
    """Every record with published addresses, by name."""

    pagination_class = Pages
    model = None

    def get_queryset(self):
        page_cache.depends_on(self.request, page_cache.LISTINGS)
        return with_addresses(self.model).filter(addresses__gt=0).order_by("name", "pk")


class NamedDetail(ApiView):
    """One record by its address name; a name merged away leads to the record it was merged into."""

    model = redirects = None
    noun = url_name = ""

    def get(self, request, slug):
        # Its number of addresses follows every publication.
        page_cache.depends_on(request, page_cache.LISTINGS)
        record = with_addresses(self.model).filter(slug=slug).first()
        if record is None:
            moved = self.redirects.objects.filter(slug=slug).values_list(f"{self.noun}__slug", flat=True).first()
            if moved is None:
                raise exceptions.NotFound(f"No {self.noun} has the address name “{slug}”.")
            query = request.META.get("QUERY_STRING", "")
            location = reverse(self.url_name, kwargs={"slug": moved})
            return HttpResponsePermanentRedirect(location + (f"?{query}" if query else ""))
        return Response(self.get_serializer(record).data)


def slug_parameters(example):
    return [
        # Any text but a slash or a NUL character: the archive's <name:…> path converter.
        OpenApiParameter(
            "slug",
            OpenApiTypes.STR,
            OpenApiParameter.PATH,
            description="The address name.",
            pattern=r"^[^/\x00]+$",
            examples=[OpenApiExample("An address name", value=example)],
        ),
        OpenApiParameter(
            "Location",
            OpenApiTypes.STR,
            OpenApiParameter.HEADER,
            description="The address of the record the name was merged into, with the request's query.",
            response=[301],
        ),
    ]


MOVED = OpenApiResponse(
    description="The address name was merged into another record's: Location gives that record's address."
)


@extend_schema_view(
    get=extend_schema(
        operation_id="speakers_list",
        summary="Speakers of published addresses, by name",
        responses={200: serializers.SpeakerSerializer(many=True), 400: ERRORS, 404: NOT_FOUND},
    )
)
class SpeakerList(NamedList):
    """Everyone who speaks in a published address, by name, with their number of addresses."""

    model = Speaker
    serializer_class = serializers.SpeakerSerializer


@extend_schema_view(
    get=extend_schema(
        operation_id="speakers_retrieve",
        summary="One speaker",
        parameters=slug_parameters("vladimir-putin"),
        responses={200: serializers.SpeakerSerializer, 301: MOVED, 404: NOT_FOUND},
    )
)
class SpeakerDetail(NamedDetail):
    """A speaker, with their number of published addresses and the address of their list."""

    model, redirects, noun, url_name = Speaker, SpeakerRedirect, "speaker", "api_speaker_detail"
    serializer_class = serializers.SpeakerSerializer


@extend_schema_view(
    get=extend_schema(
        operation_id="venues_list",
        summary="Venues of published addresses, by name",
        responses={200: serializers.VenueSerializer(many=True), 400: ERRORS, 404: NOT_FOUND},
    )
)
class VenueList(NamedList):
    """Every place a published address was given, by name, with its number of addresses."""

    model = Venue
    serializer_class = serializers.VenueSerializer


@extend_schema_view(
    get=extend_schema(
        operation_id="venues_retrieve",
        summary="One venue",
        parameters=slug_parameters("the-kremlin-moscow"),
        responses={200: serializers.VenueSerializer, 301: MOVED, 404: NOT_FOUND},
    )
)
class VenueDetail(NamedDetail):
    """A venue, with its number of published addresses and the address of their list."""

    model, redirects, noun, url_name = Venue, VenueRedirect, "venue", "api_venue_detail"
    serializer_class = serializers.VenueSerializer


# Documentation ----------------------------------------------------------------------------------------------------


class Document(SpectacularJSONAPIView):
    """The OpenAPI 3 document of the API."""

    content_negotiation_class = OneFormat


class Documentation(SpectacularSwaggerSplitView):
    """Swagger UI over the OpenAPI document: its scripts and styles are the archive's own static files, and its
    set-up script is a file too, as the Content-Security-Policy asks."""

    content_negotiation_class = OneFormat
    template_name = "speeches/api_docs.html"
    title = "Speech archive API"
