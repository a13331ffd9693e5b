import logging

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import pgettext

from . import page_cache
from . import search as search_index
from .filters import FilterError, SpeechFilter
from .forms import SearchForm
from .models import Speech
from .search import (
    MAX_PREFIX_WORDS,
    IndexUnavailable,
    QueryError,
    SearchTimeout,
    as_phrase,
    only_common_words,
)

logger = logging.getLogger(__name__)

CHART_WIDTH, CHART_HEIGHT = 640, 120
CHART_SLOTS = 12  # the narrowest a year's bar gets is a twelfth of the chart
# Seconds a reader (or a crawler) is asked to wait: about a rebuild of the index, and a moment for a busy server.
RETRY_AFTER_REBUILD = 120
RETRY_AFTER_TIMEOUT = 10


def read_search(data):
    """The search form and the filter set for these parameters, and what is wrong with them: a FilterError each.

    The search page, its feed and the API read a search here, and each words the errors its own way.
    """
    form = SearchForm(data)
    filterset = SpeechFilter(data, queryset=Speech.objects.published())
    errors = []
    if not form.is_valid():
        errors += [FilterError(" ".join(messages), parameter=name) for name, messages in form.errors.items()]
    if not filterset.is_valid():
        errors += filterset.clean_form_errors()
    return form, filterset, errors


def search(request):
    page_cache.depends_on(request, page_cache.LISTINGS)
    form, filterset, errors = read_search(request.GET)
    context = {"form": form, "filterset": filterset, "q": request.GET.get("q", "")}
    if errors:
        context["errors"] = errors
        context["name_lists"] = filterset.name_lists(speaker=None, venue=None)
        return render(request, "speeches/search.html", context, status=400)
    tree = form.cleaned_data["query"]
    if tree is None:
        context["name_lists"] = filterset.name_lists(speaker=None, venue=None)
        return render(request, "speeches/search.html", context)
    if only_common_words(tree):
        # Nothing would be searched: say so, and offer the same words as a phrase, which is searched word for word.
        context["phrase"] = as_phrase(tree)
        context["phrase_url"] = _with(request, q=context["phrase"], page=None)
        return render(request, "speeches/search.html", context)

    params = form.search_params(filterset.form.cleaned_data)
    try:
        results = search_index.search(params)
    except QueryError as error:
        context["errors"] = [str(error)]
        return render(request, "speeches/search.html", context, status=400)
    except IndexUnavailable as error:
        logger.warning("Search unavailable: %s", error)
        return _unavailable(request, context, "rebuilding", RETRY_AFTER_REBUILD)
    except SearchTimeout:
        logger.warning("Search found nothing within %s s: %r", settings.SEARCH_TIME_BUDGET, params.text)
        return _unavailable(request, context, "timeout", RETRY_AFTER_TIMEOUT)
    page_obj = Paginator(range(results.total), params.per_page).get_page(results.page)
    context.update(
        results=results,
        page_obj=page_obj,
        facets=_facets(request, results),
        chart=_chart(results.years),
        suggestion_url=_with(request, q=results.suggestion, page=None) if results.suggestion else "",
        page_query=_with(request, page=None).lstrip("?"),
        # The facets' names, else the most frequent ones: the names a reader without script can choose from.
        name_lists=filterset.name_lists(
            speaker=[value.label for value in results.speakers] or None,
            venue=[value.label for value in results.venues] or None,
        ),
        budget=settings.SEARCH_TIME_BUDGET,
        max_prefix_words=MAX_PREFIX_WORDS,
    )
    return render(request, "speeches/search.html", context)


def _unavailable(request, context, reason, retry_after):
    """Answer 503 with the search form and why searching failed, asking to come back later."""
    context.update(unavailable=reason, budget=settings.SEARCH_TIME_BUDGET)
    response = render(request, "speeches/search.html", context, status=503)
    response["Retry-After"] = str(retry_after)
    return response


def _with(request, **changes):
    """The current search's URL with some parameters replaced (None removes one)."""
    query = request.GET.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value is not None:
            query[key] = value
    if "page" not in changes:
        query.pop("page", None)
    return f"?{query.urlencode()}"


def _facets(request, results):
    """Facet groups as (title, [FacetValue]), each value given its link narrowing the search and whether it is on."""
    groups = [
        (pgettext("search facet", "Speakers"), results.speakers),
        (pgettext("search facet", "Years"), sorted(results.years, key=lambda value: value.value, reverse=True)),
        (pgettext("search facet", "Venues"), results.venues),
        (pgettext("search facet", "Topics"), results.topics),
        (pgettext("search facet", "Countries and regions"), results.places),
        (pgettext("search facet", "Kinds"), results.kinds),
    ]
    for _, values in groups:
        for value in values:
            value.url = _with(request, **value.selects)
            value.selected = all(request.GET.get(name) == chosen for name, chosen in value.selects.items())
    return [(title, values) for title, values in groups if values]


def _chart(years):
    """Bars of matching speeches per year, every year between the first and the last, for an inline SVG.

    A year in which the archive holds no address at all is a gap, not a bar of nought: it says nothing about how
    often the words were said. A few years do not stretch across the whole width: each year takes at least one
    slot of CHART_SLOTS, and the bars stand in the middle.
    """
    if not years:
        return None
    counts = {value.value: value.count for value in years}
    span = list(range(min(counts), max(counts) + 1))
    held = {day.year for day in Speech.objects.published().filter(date__year__in=span).dates("date", "year")}
    most = max(counts.values())
    width = CHART_WIDTH / max(len(span), CHART_SLOTS)
    start = (CHART_WIDTH - width * len(span)) / 2
    baseline = CHART_HEIGHT - 20
    bars = []
    for i, year in enumerate(span):
        n = counts.get(year, 0)
        height = round(baseline * n / most, 1)
        bars.append(
            {
                "year": year,
                "count": n,
                "held": year in held or n > 0,
                "x": round(start + i * width + 1, 1),
                "width": round(max(width - 2, 1), 1),
                "x_end": round(start + (i + 1) * width - 1, 1),
                "y": round(baseline - height, 1),
                "height": height,
                "label_x": round(start + i * width + width / 2, 1),
            }
        )
    label_every = max(1, len(span) // 10)
    return {
        "bars": bars,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "baseline": baseline,
        "label_every": label_every,
    }


def speech_highlights(request, speech, paragraphs):
    """Highlight the words of the search a reader arrives from; nothing when there is none or it is invalid."""
    form = SearchForm(request.GET)
    if not form.is_valid() or form.cleaned_data["query"] is None:
        return {}
    params = form.search_params({})
    try:
        return search_index.highlight_speech(speech, paragraphs, params)
    except (IndexUnavailable, SearchTimeout, QueryError):
        return {}  # the search page says why; the transcript reads as well without highlights
    except Exception:  # the transcript is still worth reading without highlights
        logger.exception("Could not highlight speech %s", speech.pk)
        return {}
