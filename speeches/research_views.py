"""The research tools' pages: concordance, trends, who says it most and the quote finder (see speeches.research)."""

import csv
import logging
from dataclasses import replace

from django.conf import settings
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext, pgettext

from . import citations, page_cache, research
from .filters import FilterError, SpeechFilter
from .search import IndexUnavailable, QueryError, SearchTimeout, only_common_words, parse_query
from .search_views import RETRY_AFTER_REBUILD, RETRY_AFTER_TIMEOUT, read_search

logger = logging.getLogger(__name__)

CHART_WIDTH, CHART_HEIGHT, CHART_MARGIN = 720, 260, 40
# The mark of each series' points, as polygon corners around the point (none: a circle). With the dashes of the lines,
# they tell the series apart without colour.
SERIES_MARKS = [
    (),
    ((-4, -4), (4, -4), (4, 4), (-4, 4)),  # square
    ((0, -5), (5, 0), (0, 5), (-5, 0)),  # diamond
    ((0, -5), (5, 4), (-5, 4)),  # triangle
    ((-5, -2), (-2, -2), (-2, -5), (2, -5), (2, -2), (5, -2), (5, 2), (2, 2), (2, 5), (-2, 5), (-2, 2), (-5, 2)),
]
# The archive's filters, as its filter set declares them; the tools have orders of their own.
FILTERS = tuple(name for name in SpeechFilter.base_filters if name != "sort")


class _Refused(Exception):
    """A page answered early, with a message and a status."""

    def __init__(self, status, **context):
        self.status = status
        self.context = context


def _read(request, data=None):
    """(search form, filter set, SearchParams) for a research page; raise _Refused on bad parameters."""
    form, filterset, errors = read_search(data if data is not None else request.GET)
    if errors:
        raise _Refused(400, errors=errors, form=form, filterset=filterset)
    params = form.search_params(filterset.form.cleaned_data)
    return form, filterset, params


def _answer(request, template, build, context):
    """Render a research page from build(context), answering bad input, a missing index and a timeout."""
    page_cache.depends_on(request, page_cache.LISTINGS)
    try:
        status = build(context) or 200
    except _Refused as refused:
        context.update(refused.context)
        status = refused.status
    except (QueryError, research.ResearchError) as error:
        context["errors"] = [str(error)]
        status = 400
    except IndexUnavailable as error:
        logger.warning("Research tools unavailable: %s", error)
        context["unavailable"] = "rebuilding"
        status = 503
    except SearchTimeout:
        context.update(unavailable="timeout", budget=settings.SEARCH_TIME_BUDGET)
        status = 503
    if "filterset" in context:
        context["filter_fields"] = [field for field in context["filterset"].form if field.name in FILTERS]
    response = render(request, template, context, status=status)
    if status == 503:
        rebuilding = context["unavailable"] == "rebuilding"
        response["Retry-After"] = str(RETRY_AFTER_REBUILD if rebuilding else RETRY_AFTER_TIMEOUT)
    return response


def _query_or_none(form):
    """The parsed query, or None when there is none yet; refuse a query of common words only."""
    tree = form.cleaned_data["query"]
    if tree is not None and only_common_words(tree):
        raise research.ResearchError(
            gettext("Common words such as “the” are not counted on their own; put a phrase in quotes to find it.")
        )
    return tree


def _filters_query(request, *keep):
    """The filters of this request (and the parameters named in keep) as a query string."""
    return urlencode([(k, v) for k, v in request.GET.items() if v and (k in FILTERS or k in keep)])


# Concordance


def concordance(request):
    context = {"q": request.GET.get("q", ""), "sorts": _concordance_sorts(), "order": "date"}

    def build(context):
        form, filterset, params = _read(request)
        context.update(form=form, filterset=filterset)
        order = request.GET.get("order") or "date"
        if order not in research.CONCORDANCE_SORTS:
            raise _Refused(400, errors=[FilterError(gettext("Choose an order from the list."), parameter="order")])
        context["order"] = order
        params.query = _query_or_none(form)
        if params.query is None:
            return 200
        result = research.concordance(params, sort=order, page=params.page)
        page_obj = Paginator(range(result.total), research.LINES_PER_PAGE).get_page(result.page)
        context.update(
            result=result,
            page_obj=page_obj,
            page_query=_filters_query(request, "q", "exact", "order"),
            csv_query=_filters_query(request, "q", "exact"),
            max_context_sort=research.MAX_CONTEXT_SORT,
        )

    return _answer(request, "speeches/concordance.html", build, context)


def _concordance_sorts():
    return [
        ("date", pgettext("concordance order", "Oldest first")),
        ("newest", pgettext("concordance order", "Newest first")),
        ("speaker", pgettext("concordance order", "By speaker")),
        ("left", pgettext("concordance order", "By the words left of the keyword")),
        ("right", pgettext("concordance order", "By the words right of the keyword")),
    ]


def concordance_csv(request):
    """Every line of a concordance as CSV, streamed: as many lines as there are, memory flat."""
    page_cache.depends_on(request, page_cache.LISTINGS)
    try:
        form, filterset, params = _read(request)
        params.query = _query_or_none(form)
        if params.query is None:
            raise research.ResearchError(gettext("Type one or more words to search for."))
        lines = research.all_lines(params)
        first = next(lines, None)  # the search runs now: its errors are answered before the file starts
    except (_Refused, QueryError, research.ResearchError, IndexUnavailable, SearchTimeout):
        return concordance(request)

    def rows():
        writer = csv.writer(_Echo())
        yield writer.writerow(["date", "title", "url", "paragraph", "speaker", "left", "keyword", "right"])
        if first is None:
            return
        for line in _chain(first, lines):
            yield writer.writerow(
                [
                    line.speech.date.isoformat(),
                    line.speech.title,
                    request.build_absolute_uri(line.url),
                    line.paragraph.position,
                    line.speaker_name,
                    line.left,
                    line.keyword,
                    line.right,
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="concordance.csv"'
    return response


class _Echo:
    def write(self, value):
        return value


def _chain(first, rest):
    yield first
    yield from rest


# Trends


def _trend_context(request):
    texts = [text for text in request.GET.getlist("q") if text.strip()]
    return {"texts": texts or [""], "by": request.GET.get("by") or "year", "max_trends": research.MAX_TRENDS}


def _build_trends(request, context):
    """Read the trends' queries and filters and count them into context["series"]."""
    texts = [text for text in context["texts"] if text]
    data = request.GET.copy()
    data.setlist("q", texts[:1])  # each query is read on its own below; the filters once
    form, filterset, params = _read(request, data)
    context.update(form=form, filterset=filterset)
    by = context["by"]
    if by not in ("year", "month"):
        raise _Refused(400, errors=[FilterError(gettext("Count by year or by month."), parameter="by")])
    if len(texts) > research.MAX_TRENDS:
        raise research.ResearchError(
            gettext("Compare at most %(limit)s words or phrases at a time.") % {"limit": research.MAX_TRENDS}
        )
    if not texts:
        return
    queries = []
    for text in texts:
        tree = parse_query(text)
        if only_common_words(tree):
            raise research.ResearchError(
                gettext("“%(query)s”: common words are not counted on their own; put a phrase in quotes.")
                % {"query": text}
            )
        queries.append((text, replace(params, query=tree, text=text)))
    context["series"] = research.trends(queries, by=by)


def trends(request):
    def build(context):
        _build_trends(request, context)
        series = context.get("series")
        if series:
            context.update(
                chart=_trend_chart(series, context["by"], _filters_query(request, "exact")),
                csv_query=_filters_query(request, "q", "exact", "by"),
                periods=list(zip(*[one.points for one in series], strict=True)),
            )

    return _answer(request, "speeches/trends.html", build, _trend_context(request))


def trends_csv(request):
    """The trends' table as CSV: one row per period and query."""
    page_cache.depends_on(request, page_cache.LISTINGS)
    context = _trend_context(request)
    try:
        _build_trends(request, context)
    except (_Refused, QueryError, research.ResearchError, IndexUnavailable, SearchTimeout):
        return trends(request)
    if not context.get("series"):
        return trends(request)
    response = StreamingHttpResponse(_trend_rows(context["series"]), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="trends.csv"'
    return response


def _trend_rows(series):
    writer = csv.writer(_Echo())
    yield writer.writerow(["period", "query", "occurrences", "words", "per_10000_words"])
    for one in series:
        for point in one.points:
            rate = "" if point.rate is None else f"{point.rate:.4f}"
            period = "-".join(f"{part:02d}" for part in point.period)
            yield writer.writerow([period, one.query, point.count, point.words, rate])


def _trend_chart(series, by, filters):
    """Lines of each query's rate per period, for an inline SVG; each point links to its concordance."""
    periods = [point.period for point in series[0].points] if series else []
    if not periods:
        return None
    top = max((point.rate or 0 for one in series for point in one.points), default=0) or 1
    inner_w = CHART_WIDTH - 2 * CHART_MARGIN
    inner_h = CHART_HEIGHT - 2 * CHART_MARGIN
    step = inner_w / max(len(periods) - 1, 1)
    lines = []
    for index, one in enumerate(series):
        points = []
        for i, point in enumerate(one.points):
            if point.rate is None:
                points.append(None)
                continue
            x = CHART_MARGIN + (i * step if len(periods) > 1 else inner_w / 2)
            y = CHART_MARGIN + inner_h - inner_h * point.rate / top
            first, last = research.period_dates(point.period)
            query = urlencode({"q": one.query, "date_from": first.isoformat(), "date_to": last.isoformat()})
            points.append(
                {
                    "x": round(x, 1),
                    "y": round(y, 1),
                    "label": _period_label(point.period),
                    "count": point.count,
                    "rate": point.rate,
                    "url": f"?{query}&{filters}" if filters else f"?{query}",
                    "corners": " ".join(
                        f"{round(x + dx, 1)},{round(y + dy, 1)}" for dx, dy in SERIES_MARKS[index % len(SERIES_MARKS)]
                    ),
                }
            )
        # Broken where a period holds no words: a gap, not a fall to nought.
        segments, current = [], []
        for point in points:
            if point is None:
                if current:
                    segments.append(current)
                current = []
            else:
                current.append(point)
        if current:
            segments.append(current)
        lines.append(
            {
                "query": one.query,
                "number": index + 1,
                "points": [point for point in points if point],
                # The same mark in the legend's small picture, 24 by 12, at its middle.
                "legend_corners": " ".join(f"{12 + dx},{6 + dy}" for dx, dy in SERIES_MARKS[index % len(SERIES_MARKS)]),
                "paths": [" ".join(f"{p['x']},{p['y']}" for p in segment) for segment in segments],
            }
        )
    label_every = max(1, len(periods) // 12)
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "margin": CHART_MARGIN,
        "bottom": CHART_HEIGHT - CHART_MARGIN,
        "right": CHART_WIDTH - CHART_MARGIN,
        "top_rate": top,
        "lines": lines,
        "labels": [
            {"x": round(CHART_MARGIN + (i * step if len(periods) > 1 else inner_w / 2), 1), "text": _period_label(p)}
            for i, p in enumerate(periods)
            if i % label_every == 0
        ],
    }


def _period_label(period):
    return str(period[0]) if len(period) == 1 else f"{period[0]}-{period[1]:02d}"


# Who says it most


def who_says(request):
    context = {"q": request.GET.get("q", "")}

    def build(context):
        form, filterset, params = _read(request)
        context.update(form=form, filterset=filterset)
        params.query = _query_or_none(form)
        if params.query is None:
            return 200
        found, by_count, by_rate = research.speakers(params)
        context.update(
            found=found,
            by_count=by_count,
            by_rate=by_rate,
            min_words=research.MIN_SPEAKER_WORDS,
            concordance_query=_filters_query(request, "q", "exact"),
        )

    return _answer(request, "speeches/who_says.html", build, context)


# The quote finder


def quote(request):
    text = request.GET.get("quote", "")
    context = {"quote": text}

    def build(context):
        data = request.GET.copy()
        data.pop("q", None)
        form, filterset, params = _read(request, data)
        context.update(form=form, filterset=filterset)
        if not text.strip():
            return 200
        matches = research.find_quote(text, params)
        accessed = timezone.localdate()
        for match in matches:
            # The paragraph's own speaker is its author; a paragraph of nobody named is cited by its title.
            authors = [match.paragraph.speaker] if match.paragraph.speaker else []
            url = request.build_absolute_uri(match.speech.get_absolute_url())
            match.citation = citations.cite(match.speech, authors, url, accessed, paragraph=match.paragraph)[0].text
        context["matches"] = matches

    return _answer(request, "speeches/quote.html", build, context)
