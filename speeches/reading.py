"""
The reader's view settings: text size, site colours, spacing, font, images and the interface's language.

Every choice is declared here once. The server reads them from one cookie and renders them as
``data-*`` attributes on ``<html>``, so a page arrives already in the reader's settings; the
stylesheet keys off those attributes and the script writes the same cookie.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

COOKIE_NAME = "reading"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60
# Far longer than any valid value; anything bigger is not worth parsing.
COOKIE_MAX_LENGTH = 400
# ":" and "|" are legal cookie characters, so neither the server nor the script has to quote the value.
PAIR_SEPARATOR = "|"
KEY_SEPARATOR = ":"


@dataclass(frozen=True)
class Setting:
    name: str
    label: str
    choices: tuple[tuple[str, str], ...]

    @property
    def default(self):
        return self.choices[0][0]

    @property
    def values(self):
        return [value for value, _ in self.choices]


SETTINGS = (
    Setting(
        "size",
        _("Text size"),
        (("100", "100%"), ("125", "125%"), ("150", "150%"), ("175", "175%"), ("200", "200%")),
    ),
    Setting(
        "colours",
        _("Site colours"),
        (
            ("default", _("Default")),
            ("black-white", _("Black on white")),
            ("white-black", _("White on black")),
            ("blue", _("Dark blue on light blue")),
            ("beige", _("Brown on beige")),
            ("green", _("Green on dark brown")),
        ),
    ),
    Setting("spacing", _("Letter spacing"), (("normal", _("Normal")), ("wider", _("Wider")), ("widest", _("Widest")))),
    Setting("line", _("Line height"), (("normal", _("Normal")), ("loose", _("Loose")), ("loosest", _("Loosest")))),
    Setting(
        "font",
        _("Font"),
        (
            ("mixed", _("Serif text, sans-serif menus")),
            ("serif", _("Serif throughout")),
            ("sans", _("Sans-serif throughout")),
        ),
    ),
    Setting("images", _("Images"), (("on", _("Show")), ("off", _("Hide")))),
    # Each language is named in its own words, so that a reader finds theirs whatever the page speaks now.
    Setting(
        "language",
        _("Interface language"),
        (("auto", _("The language of the address")), ("en", "English"), ("ru", "Русский")),
    ),
)
BY_NAME = {setting.name: setting for setting in SETTINGS}
DEFAULTS = {setting.name: setting.default for setting in SETTINGS}


def clean(values):
    """Return the full set of settings, taking each valid value from `values` and the default otherwise."""
    chosen = dict(DEFAULTS)
    for name, value in values.items():
        setting = BY_NAME.get(name)
        if setting is not None and value in setting.values:
            chosen[name] = value
    return chosen


def parse_cookie(raw):
    """Read the settings cookie; unknown names, invalid values and malformed pairs are ignored."""
    if not raw or len(raw) > COOKIE_MAX_LENGTH:
        return dict(DEFAULTS)
    pairs = {}
    for pair in raw.split(PAIR_SEPARATOR):
        name, separator, value = pair.partition(KEY_SEPARATOR)
        if separator:
            pairs.setdefault(name, value)
    return clean(pairs)


def cookie_value(settings):
    """Serialise the settings that differ from the defaults; an empty string means all defaults."""
    return PAIR_SEPARATOR.join(
        f"{name}{KEY_SEPARATOR}{settings[name]}"
        for name in BY_NAME
        if settings.get(name, DEFAULTS[name]) != DEFAULTS[name]
    )
