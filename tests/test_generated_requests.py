"""Generated requests to every public address: whatever a reader, a crawler or a broken link sends, no page fails.

The addresses come from the project's URL patterns, each placeholder filled by its converter's values (real dates
and names from a small archive, and made-up ones: year 0000, month 13, 31 February, any text as a name); the
parameters come from the forms and filters that read them, with their own kinds of values and any text besides
(the query language's signs, NUL characters, very long values, broken percent-encoding); the view-settings and
session cookies and the HTTP method are drawn too. On each search backend the archive answers every such request
without a server error, and the pages that only show things refuse every method but GET, HEAD and OPTIONS with 405.
"""

import datetime
import re
import string
import sys
import traceback
import unicodedata
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import quote, urlencode, urljoin, urlsplit

import pytest
from django import forms
from django.conf import settings as django_settings
from django.test import Client
from django.urls import Resolver404, URLResolver, get_resolver, resolve
from django.urls.converters import PathConverter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kremlin_archive import urls as site_urls
from speeches import reading
from speeches import urls as speech_urls
from speeches.filters import NameField, SpeechFilter
from speeches.forms import CiteForm, NameSuggestionForm, ReadingSettingsForm, SearchForm
from speeches.models import SpeakerAlias, SpeakerRedirect, Speech, VenueRedirect
from speeches.sitemaps import SITEMAPS
from tests.factories import make_speaker, make_speech, make_venue

pytestmark = pytest.mark.django_db

# Deterministic, so that a run in CI tries what it tried here; nothing is remembered between runs or written into
# the tree. Each example makes real requests through the whole stack: the health checks would call them slow.
generated = settings(
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

METHODS = ("GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE", "TRACE", "PATCH")
READ_METHODS = ("GET", "HEAD", "OPTIONS")
# The one public page that takes a form; every other page only shows things.
ACCEPTS_POST = {"reading_settings"}
# What is under /api/ but none of its addresses: no page, so 404 whatever the method.
NO_SUCH_ADDRESS = "api_no_such_address"


# The addresses -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Address:
    """A public URL pattern: its name, its route from the site's root, and the converter of each placeholder."""

    name: str
    route: str
    converters: dict = field(hash=False)

    def __str__(self):
        return self.name


def public_addresses():
    """Every URL pattern of the project but the admin's, which is behind a login and has tests of its own."""
    found = []

    def walk(entries, prefix, converters):
        for entry in entries:
            route = prefix + str(entry.pattern)
            known = {**converters, **getattr(entry.pattern, "converters", {})}
            if isinstance(entry, URLResolver):
                if entry.app_name != "admin":
                    walk(entry.url_patterns, route, known)
            else:
                found.append(Address(entry.name or route, "/" + route, known))

    walk(get_resolver().url_patterns, "", {})
    return found


ADDRESSES = public_addresses()
ADDRESS = {address.name: address for address in ADDRESSES}
_PLACEHOLDER = re.compile(r"<(?:[^>:]+:)?(?P<parameter>[^>]+)>")


def fill(address, segments):
    """The path of an address with each placeholder replaced by a segment already in URL form."""
    return _PLACEHOLDER.sub(lambda match: segments[match["parameter"]], address.route)


def segment(text):
    """A value as a browser puts it in a path: every character but letters and digits percent-encoded."""
    return quote(text, safe="")


# Values -------------------------------------------------------------------------------------------------------

# Characters that mean something to a parser, a header or a database somewhere (PostgreSQL refuses NUL in any
# text), drawn as often as all the others together.
awkward_characters = st.one_of(
    st.sampled_from("\x00\t\n\r\x0b\x7f\u200b\ufeff\u2028%\"'\\;,=&?#/<>"), st.characters(codec="utf-8")
)
# Joined from a list: text() would draw its characters evenly from the whole alphabet, awkward ones rarely.
any_text = st.lists(awkward_characters, max_size=40).map("".join)
# Far past every limit (a query's 500 characters, a name's 200, a redirect target's 2000), yet a size a proxy passes.
long_text = st.builds(
    lambda piece, times: piece * times,
    st.lists(awkward_characters, min_size=1, max_size=8).map("".join),
    st.integers(60, 800),
)
# What a mangled link holds: bytes that are not UTF-8, and percent signs that encode nothing.
broken_percent = st.lists(
    st.one_of(
        st.binary(min_size=1, max_size=4).map(lambda raw: "".join(f"%{byte:02X}" for byte in raw)),
        st.sampled_from(["%", "%Z", "%E2%82", "%%", "%u0041", "%C0%AF", "%00", "%2F", "%2E%2E", "%FF%FE"]),
        st.text(alphabet=string.ascii_letters + string.digits + "-_.~", max_size=4),
    ),
    min_size=1,
    max_size=6,
).map("".join)


def with_junk(specific):
    """A parameter's own kind of values, and now and then anything at all."""
    # Three times in four its own kind: with several parameters a request, junk in each would stop every request at
    # the form and leave what lies behind it untried.
    return st.one_of(specific, specific, specific, st.one_of(any_text, long_text))


years = st.one_of(st.sampled_from([0, 1, 999, 1000, 1969, 1970, 2023, 9998, 9999]), st.integers(0, 9999)).map(
    "{:04d}".format
)
two_digits = st.one_of(st.sampled_from([0, 1, 2, 12, 13, 28, 29, 30, 31, 32, 99]), st.integers(0, 99)).map(
    "{:02d}".format
)
# Names as a path segment: anything a link may hold, from a real address name with a twist to plain garbage.
made_up_names = st.one_of(
    any_text.map(segment),
    long_text.map(segment),
    broken_percent,
    st.text(alphabet=st.characters(categories=["L", "Nd"], include_characters="-_"), min_size=1, max_size=30).map(
        segment
    ),
)

# Superscript, circled and other digits that str.isdigit() accepts and int() refuses: drawn from the list, since
# most other numbers ("½", "Ⅻ") are no digits and a filter would throw nearly every draw away.
OTHER_DIGITS = [
    char for char in map(chr, range(sys.maxunicode + 1)) if unicodedata.category(char) == "No" and char.isdigit()
]
# Page numbers as links and hands write them: negative, huge, "last", words, and in digits of any script and form
# (Arabic-Indic, fullwidth, superscript, circled).
page_numbers = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.integers(-3, 5).map(str),
    st.sampled_from(
        ["last", "first", "0", "", " 1", "1.0", "1.5", "1e3", "1e999", "inf", "NaN", "+2", "0x10", "9" * 40]
    ),
    st.text(alphabet=st.characters(categories=["Nd"]), min_size=1, max_size=4),
    st.text(alphabet=st.sampled_from(OTHER_DIGITS), min_size=1, max_size=4),
)
yes_or_no = st.sampled_from(["on", "off", "true", "false", "True", "1", "0", "", "yes", "no"])
# Days as a form or a hand writes them, real or not: 0000-00-00, 31 February, the last day there is.
dates = st.one_of(
    st.builds("{:04d}-{}-{}".format, st.integers(0, 9999), two_digits, two_digits),
    st.dates().map(datetime.date.isoformat),
    st.builds(lambda day, form: day.strftime(form), st.dates(), st.sampled_from(["%m/%d/%Y", "%d.%m.%Y", "%b %d %Y"])),
    st.sampled_from(["2023-02-29", "2024-02-29", "2023-06-31", "0001-01-01", "9999-12-31", "2023-6-28", "28/06/2023"]),
)
# Where the settings page sends the reader back: this site's pages, other sites, and what tries to pass as either.
next_addresses = st.one_of(
    st.sampled_from(
        [
            "/",
            "/speeches/",
            "/search/?q=union&page=2",
            "//evil.example/",
            "http://evil.example/",
            "https://testserver/speeches/",
            "http://testserver/",
            "javascript:alert(1)",
            "\\\\evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "mailto:reader@example.org",
            "data:text/html,<p>hi</p>",
            "/speeches/\r\nSet-Cookie: x=1",
            " /",
        ]
    ),
    any_text.map(lambda text: "/" + text),
)

# The query language's signs, which a query is made of as much as of words.
QUERY_SIGNS = ["AND", "OR", "NOT", "and", "or", "-", "*", '"', "(", ")", "-(", '-"', "**", "'", "’", ".", "\x00", "\t"]


def queries(words):
    """What a reader types in the search box: the archive's words and the language's signs, spaced out or run on."""
    return st.one_of(
        st.lists(
            st.one_of(st.sampled_from(words + QUERY_SIGNS), st.sampled_from(words).map("{}*".format), any_text)
        ).map(" ".join),
        st.lists(st.sampled_from(words + QUERY_SIGNS), min_size=1).map("".join),
    )


def names(archive):
    """A speaker or venue as a reader types it: an address name, a spelling, the start of one, or a near miss."""
    spellings = archive.names + archive.slugs
    return st.one_of(
        st.sampled_from(spellings),
        st.builds(lambda name, end: name[:end], st.sampled_from(spellings), st.integers(1, 6)),
        st.sampled_from(spellings).map(str.upper),
        st.builds("{} {}".format, st.sampled_from(spellings), any_text),
        st.text(alphabet=string.ascii_letters + ". ", min_size=1, max_size=3),
    )


# The values each kind of form field reads, beyond the text any field may be sent.
def field_values(name, form_field, archive):
    if name == "q":
        return st.one_of(queries(archive.words), names(archive))
    if name == "page":
        return page_numbers
    if name == "next":
        return next_addresses
    if isinstance(form_field, NameField):
        return names(archive)
    if isinstance(form_field, forms.DateField):
        return dates
    if isinstance(form_field, forms.IntegerField):
        return page_numbers
    if isinstance(form_field, forms.BooleanField):
        return yes_or_no
    if isinstance(form_field, forms.ChoiceField):
        values = [str(value) for value, _ in form_field.choices]
        return st.one_of(st.sampled_from(values), st.sampled_from(values).map(str.upper))
    return any_text


# Every parameter a public page reads: the fields of its forms and filters, and the two read straight from the
# query (a list's page number; a pending revision, which only staff may see).
PARAMETER_FIELDS = {
    **{name: spec.field for name, spec in SpeechFilter.base_filters.items()},
    **SearchForm.base_fields,
    **CiteForm.base_fields,
    **NameSuggestionForm.base_fields,
    **ReadingSettingsForm().fields,
    "page": forms.CharField(),
    "revision": forms.IntegerField(),
}


def parameters(archive):
    """A query string: any of the parameters, some repeated, and now and then a piece no form would write."""
    values = {name: with_junk(field_values(name, PARAMETER_FIELDS[name], archive)) for name in sorted(PARAMETER_FIELDS)}
    repeated = st.sampled_from(sorted(values)).flatmap(lambda name: values[name].map(lambda value: (name, value)))
    junk = st.one_of(
        broken_percent,
        # The last: more fields than Django reads, which it refuses.
        st.sampled_from(["&&", "=", "==&=", "q", "q&q=", ";q=union", "page=1;page=2", "a=1&" * 1200]),
    )
    return st.builds(
        lambda given, again, extra: "&".join(part for part in (urlencode([*given.items(), *again]), extra) if part),
        # Each parameter there or not on its own, so that every one is tried in about half the requests.
        st.fixed_dictionaries({}, optional=values),
        st.lists(repeated, max_size=3),
        st.one_of(st.just(""), junk),
    )


def form_bodies(archive):
    """The settings form as a browser posts it, or as anyone else might."""
    fields = ReadingSettingsForm().fields
    pair = st.sampled_from(sorted(fields)).flatmap(
        lambda name: with_junk(field_values(name, fields[name], archive)).map(lambda value: (name, value))
    )
    return st.lists(pair, max_size=8).map(urlencode)


# The view-settings cookie as the page's script writes it, and as anything else might.
reading_values = st.one_of(
    st.lists(
        st.sampled_from(reading.SETTINGS).flatmap(
            lambda setting: st.sampled_from([*setting.values, "", "999"]).map(
                lambda value: f"{setting.name}{reading.KEY_SEPARATOR}{value}"
            )
        ),
        max_size=8,
    ).map(reading.PAIR_SEPARATOR.join),
    any_text,
    long_text,
    st.lists(st.sampled_from([reading.PAIR_SEPARATOR, reading.KEY_SEPARATOR, "size", "150", ";", "=", '"'])).map(
        "".join
    ),
)


def cookie_value(text, quoted):
    # Quoted as Python and the test client write cookies (octal escapes inside quotes), or sent as it is; either way
    # the bytes of UTF-8 as a server hands them to Django, without the control characters a server refuses.
    value = SimpleCookie().value_encode(text)[1] if quoted else text
    value = value.encode().decode("latin-1")
    return "".join(ch for ch in value if ch == "\t" or not (ord(ch) < 32 or ord(ch) == 127))


# A session or CSRF key as Django writes one, with a character changed: to one a cookie carries only quoted and
# escaped (a control character, a space, a quote, a comma, a semicolon, a backslash), or to anything.
keys = st.builds(
    lambda key, at, character: key[:at] + character + key[at + 1 :],
    st.text(string.ascii_lowercase + string.digits, min_size=32, max_size=32),
    st.integers(0, 31),
    st.one_of(st.sampled_from('\x00\x01\t\n\r\x1f\x7f ",;\\'), awkward_characters),
)
COOKIE_VALUES = {
    reading.COOKIE_NAME: reading_values,
    django_settings.SESSION_COOKIE_NAME: st.one_of(keys, any_text),
    django_settings.CSRF_COOKIE_NAME: st.one_of(keys, any_text),
    "other": any_text,
}
# A Cookie header: the view settings, a session or CSRF key no one was given, and others, quoted or not.
cookies = (
    st.fixed_dictionaries(
        {}, optional={name: st.tuples(values, st.booleans()) for name, values in COOKIE_VALUES.items()}
    )
    .filter(bool)
    .map(lambda sent: "; ".join(f"{name}={cookie_value(value, quoted)}" for name, (value, quoted) in sent.items()))
)


# Requests ------------------------------------------------------------------------------------------------------


@dataclass
class Request:
    method: str
    path: str
    query: str = ""
    body: str = ""
    cookie: str | None = None
    gzip: bool = False

    def __str__(self):
        lines = [f"{self.method} {self.path}{'?' if self.query else ''}{self.query}"]
        if self.cookie is not None:
            lines.append(f"Cookie: {self.cookie!r}")
        if self.gzip:
            lines.append("Accept-Encoding: gzip")
        if self.body:
            lines.append(f"body: {self.body!r}")
        return "\n".join(lines)


def send(reader, request):
    # Nothing a response set reaches the next request. An unhandled error is answered with the 500 page, as a
    # reader would get it, rather than raised.
    reader.cookies.clear()
    headers = {}
    if request.cookie is not None:
        headers["HTTP_COOKIE"] = request.cookie
    if request.gzip:
        headers["HTTP_ACCEPT_ENCODING"] = "gzip"
    url = f"{request.path}?{request.query}" if request.query else request.path
    body = request.body if request.method not in ("GET", "HEAD") else ""
    return reader.generic(request.method, url, body, content_type="application/x-www-form-urlencoded", **headers)


def answered(request, response):
    """Check that the archive answered the request without a server error; say what was sent if it did not."""
    error = ""
    if getattr(response, "exc_info", None):
        error = "".join(traceback.format_exception(*response.exc_info))
    assert response.status_code < 500, f"{request}\nanswered {response.status_code}\n{error}"


def page_of(response):
    """The name of the URL pattern the request's path matched, or None where it matched none."""
    try:
        return response.resolver_match.url_name
    except Resolver404:
        return None


@dataclass
class Archive:
    """What the archive holds, as address values and as the words and names a reader would type."""

    speeches: list  # {"year", "month", "day", "slug", "id"} in URL form, one per speech of any status
    slugs: list  # speaker and venue address names, current and merged away
    names: list  # speaker and venue names and spellings
    words: list  # words of the transcripts

    def __repr__(self):
        # A failing example names the request; the archive behind it is always the same.
        return f"Archive({len(self.speeches)} speeches, {len(self.slugs)} speaker and venue address names)"

    def values(self, address):
        """Real values for the address's placeholders: each speech's, each speaker's and venue's, where they fit."""
        wanted = set(address.converters)
        records = [
            *self.speeches,
            *({"slug": segment(slug)} for slug in self.slugs),
            *({"section": section} for section in SITEMAPS),
        ]
        return [{name: record[name] for name in wanted} for record in records if wanted <= record.keys()] or [{}]


# Values for each converter the URL patterns use: what its regex lets through, real or not.
CONVERTER_VALUES = {
    speech_urls.FourDigitYear: years,
    speech_urls.TwoDigits: two_digits,
    speech_urls.Name: made_up_names,
    # Several names, slashes between them, with or without a slash at the end.
    PathConverter: st.tuples(st.lists(made_up_names, min_size=1, max_size=4), st.booleans()).map(
        lambda drawn: "/".join(drawn[0]) + "/" * drawn[1]
    ),
}
# One plain value of each, to check that a filled-in route is the address it was taken from.
PLAIN_VALUES = {
    speech_urls.FourDigitYear: "2023",
    speech_urls.TwoDigits: "06",
    speech_urls.Name: "a-name",
    PathConverter: "no/such/address",
}


@st.composite
def paths(draw, address, archive, made_up=True):
    """The path of an address: the values of a record, made-up values, or some of each."""
    real = draw(st.sampled_from(archive.values(address)))
    # All real first: a page that exists is where most of the code runs, and what a failure shrinks towards.
    mode = draw(st.sampled_from(["real", "mixed", "made up"])) if made_up else "real"
    segments = {}
    for parameter, converter in address.converters.items():
        invent = mode == "made up" or (mode == "mixed" and draw(st.booleans())) or parameter not in real
        segments[parameter] = draw(CONVERTER_VALUES[type(converter)]) if invent else real[parameter]
    return fill(address, segments)


def requests(address, archive, methods=("GET", "HEAD")):
    return st.builds(
        Request,
        method=st.sampled_from(methods),
        path=paths(address, archive),
        query=parameters(archive),
        cookie=st.one_of(st.none(), cookies),
        gzip=st.booleans(),
    )


# The archive ----------------------------------------------------------------------------------------------------


@pytest.fixture
def archive(backend, indexed):
    """A small archive on both sides of the index: published speeches over several days, a draft, a withdrawn
    speech, an English and Russian pair, speakers and venues with spellings and merged-away address names."""
    putin = make_speaker()
    medvedev = make_speaker("Dmitry Medvedev", "Prime Minister")
    peskov = make_speaker("Дмитрий Песков", "Пресс-секретарь")
    SpeakerAlias.objects.create(speaker=putin, label="V.Putin")
    SpeakerRedirect.objects.create(slug="vladimir-v-putin", speaker=putin)
    kremlin, sochi = make_venue(), make_venue("Sochi", city="Sochi")
    VenueRedirect.objects.create(slug="kremlin-moscow", venue=kremlin)
    with indexed():
        made = [
            make_speech(
                "Address to the Federal Assembly",
                datetime.date(2018, 3, 1),
                kind=Speech.Kind.ADDRESS,
                venue=kremlin,
                speaker=putin,
                paragraphs=[("Vladimir Putin", "The state of the union between our peoples is strong."), "Thank you."],
            ),
            make_speech(
                "Meeting with the President of Belarus",
                datetime.date(2019, 12, 20),
                time=datetime.time(15, 0),
                kind=Speech.Kind.MEETING,
                venue=sochi,
                speaker=putin,
                paragraphs=[("Vladimir Putin", "We discussed the Union State at length."), "(Applause.)"],
            ),
            make_speech(
                "Evening meeting",
                datetime.date(2019, 12, 20),
                speaker=medvedev,
                paragraphs=[("Dmitry Medvedev", "Sanctions have not stopped our economy.")],
            ),
            make_speech(
                "Interview to the press",
                datetime.date(2010, 2, 28),
                kind=Speech.Kind.INTERVIEW,
                speaker=medvedev,
                paragraphs=[("Dmitry Medvedev", "The sanction regime is a mistake.")],
            ),
            make_speech(
                "Secret draft", datetime.date(2019, 12, 20), status=Speech.Status.DRAFT, paragraphs=["Not yet."]
            ),
            make_speech(
                "Taken down",
                datetime.date(2021, 1, 1),
                status=Speech.Status.WITHDRAWN,
                withdrawal_note="Published by mistake.",
                paragraphs=["Gone."],
            ),
        ]
        russian = make_speech(
            "Брифинг Дмитрия Пескова",
            datetime.date(2023, 6, 28),
            language=Speech.Language.RUSSIAN,
            venue=kremlin,
            speaker=peskov,
            paragraphs=[("Д.Песков", "Добрый день, коллеги."), "Вопрос о санкциях."],
        )
        english = make_speech(
            "Briefing by Dmitry Peskov",
            datetime.date(2023, 6, 28),
            venue=kremlin,
            speaker=peskov,
            translation=russian,
            paragraphs=[("Dmitry Peskov", "Good afternoon, colleagues."), "A question on sanctions."],
        )
        made += [russian, english]
    return Archive(
        speeches=[
            {
                "year": f"{s.date:%Y}",
                "month": f"{s.date:%m}",
                "day": f"{s.date:%d}",
                "slug": segment(s.slug),
                "id": str(s.pk),
            }
            for s in made
        ],
        slugs=[
            *(record.slug for record in (putin, medvedev, peskov, kremlin, sochi)),
            "vladimir-v-putin",
            "kremlin-moscow",
        ],
        names=["Vladimir Putin", "V.Putin", "Dmitry Medvedev", "Дмитрий Песков", "The Kremlin, Moscow", "Sochi"],
        words=["union", "state", "sanctions", "economy", "peoples", "Belarus", "санкциях", "коллеги", "Putin"],
    )


def lands_in_this_site(location):
    """Whether a browser following this Location stays on the site that sent it."""
    # Read as a browser reads it: backslashes are slashes, and leading spaces and control characters do not count.
    as_read = location.replace("\\", "/").lstrip("".join(map(chr, range(33))))
    target = urlsplit(urljoin("http://testserver/settings/", as_read))
    return target.scheme in ("http", "https") and target.netloc == "testserver"


@pytest.fixture
def reader():
    """One client for all of a test's requests: its middleware, static files included, is loaded once."""
    return Client(raise_request_exception=False)


# The properties -------------------------------------------------------------------------------------------------


def test_every_public_address_is_generated():
    """Each named pattern is drawn by the tests below, and each of its placeholders has values to draw from."""
    generated_names = {address.name for address in ADDRESSES}
    named = {
        entry.name
        for entry in [*speech_urls.urlpatterns, *site_urls.urlpatterns]
        if not isinstance(entry, URLResolver) and entry.name
    }
    assert not named - generated_names, f"addresses no test requests: {sorted(named - generated_names)}"
    uncovered = [
        f"{address} (<{parameter}> by {type(converter).__name__})"
        for address in ADDRESSES
        for parameter, converter in address.converters.items()
        if type(converter) not in CONVERTER_VALUES or type(converter) not in PLAIN_VALUES
    ]
    assert not uncovered, f"addresses with placeholders no strategy fills: {uncovered}"
    for address in ADDRESSES:
        path = fill(address, {name: PLAIN_VALUES[type(converter)] for name, converter in address.converters.items()})
        assert resolve(path).url_name == address.name, f"{address}: {path} is not its own address"


@pytest.mark.parametrize("address", ADDRESSES, ids=str)
@settings(generated, max_examples=25)
@given(data=st.data())
def test_every_public_page_answers_generated_requests(archive, reader, address, data):
    # Each address on its own, so that none goes untried: its own and every other page's parameters, any cookie.
    request = data.draw(requests(address, archive, METHODS if address.name in ACCEPTS_POST else ("GET", "HEAD")))
    answered(request, send(reader, request))


@settings(generated, max_examples=200)
@given(data=st.data())
def test_search_answers_every_query_and_filter(archive, reader, data):
    # The page that reads the most parameters, and the one where they meet the search index: more examples here.
    address = ADDRESS["search"]
    request = data.draw(
        st.builds(Request, method=st.just("GET"), path=paths(address, archive), query=parameters(archive))
    )
    answered(request, send(reader, request))


@settings(generated, max_examples=100)
@given(data=st.data())
def test_every_form_and_cookie_is_answered(archive, reader, data):
    # Each Cookie header a reader's browser, an old session or anyone else might send goes with the settings form,
    # posted or not, and to a few pages of the archive.
    cookie = data.draw(cookies, label="cookie")
    form = data.draw(
        st.builds(
            Request,
            method=st.sampled_from(["GET", "POST"]),
            path=st.just(ADDRESS["reading_settings"].route),
            query=st.one_of(st.just(""), with_junk(next_addresses).map(lambda to: urlencode({"next": to}))),
            body=form_bodies(archive),
            cookie=st.just(cookie),
        ),
        label="form",
    )
    response = send(reader, form)
    answered(form, response)
    if form.method == "POST" and response.status_code == 303:
        # Wherever a reader came from, the settings page sends them back into this site only.
        assert lands_in_this_site(response["Location"]), f"{form}\nsent to {response['Location']}"
    # A few addresses from a shuffle: a list drawn from them would keep to the first few.
    for address in data.draw(st.permutations(ADDRESSES), label="addresses")[:4]:
        page = Request("GET", data.draw(paths(address, archive, made_up=False), label=address.name), cookie=cookie)
        answered(page, send(reader, page))


@settings(generated, max_examples=15)
@given(data=st.data())
def test_pages_that_only_show_things_refuse_other_methods(archive, reader, data):
    # Every address with every method but GET and HEAD (drawn above) in each example: a refusal is cheap, and no
    # address may be missed.
    for address in ADDRESSES:
        request = data.draw(requests(address, archive, ["OPTIONS"]), label=address.name)
        request.body = data.draw(form_bodies(archive), label="body")
        for method in METHODS:
            if method in ("GET", "HEAD"):
                continue
            request.method = method
            response = send(reader, request)
            answered(request, response)
            allowed = (*READ_METHODS, "POST") if address.name in ACCEPTS_POST else READ_METHODS
            # A made-up value the pattern does not take (an empty name, a slash in it) is some other address.
            if method not in allowed and page_of(response) == address.name:
                expected = 404 if address.name == NO_SUCH_ADDRESS else 405
                assert response.status_code == expected, f"{request}\nanswered {response.status_code}, not {expected}"
