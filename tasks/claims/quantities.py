"""Numbers in a sentence with their units, normalised so that equal amounts compare equal.

"20 km", "20 kilometres", "twenty kilometers" and "12.4 miles" all become a length in metres;
"3.8 percent" and "3.8%" a percentage; "$450 million" 450,000,000 USD; "12,000 hectares" and
"29,650 acres" an area in square metres. Number words are turned into digits by text2num first.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from text_to_num import alpha2digit

from schemas.records import Quantity, QuantityKind


@dataclass(frozen=True)
class Unit:
    kind: QuantityKind
    base: str
    factor: float
    offset: float = 0.0  # for temperatures: base = value * factor + offset


# (how the unit is written, what it measures, the unit in pint's terms): pint does the arithmetic
_UNIT_WORDS: list[tuple[str, QuantityKind, str]] = [
    # area before length so "square kilometres" wins over "kilometres"
    (r"square kilometres?|square kilometers?|sq\.? ?km|km2|km²", "area", "kilometer ** 2"),
    (r"square miles?|sq\.? ?mi(?:les?)?", "area", "mile ** 2"),
    (r"square metres?|square meters?|m2|m²", "area", "meter ** 2"),
    (r"square feet|sq\.? ?ft", "area", "foot ** 2"),
    (r"hectares?|ha", "area", "hectare"),
    (r"acres?", "area", "43560 * foot ** 2"),  # the international acre
    (r"nautical miles?|nmi", "length", "nautical_mile"),
    (r"kilometres per hour|kilometers per hour|km/h|kph|kmh", "speed", "kilometer / hour"),
    (r"miles per hour|mph", "speed", "mile / hour"),
    (r"kilometres?|kilometers?|kms?", "length", "kilometer"),
    (r"centimetres?|centimeters?|cm", "length", "centimeter"),
    (r"millimetres?|millimeters?|mm", "length", "millimeter"),
    (r"metres?|meters?|m", "length", "meter"),
    (r"miles?|mi", "length", "mile"),
    (r"feet|foot|ft", "length", "foot"),
    (r"yards?|yd", "length", "yard"),
    (r"inches|inch", "length", "inch"),
    (r"metric tons?|tonnes?", "mass", "metric_ton"),
    (r"tons?", "mass", "short_ton"),
    (r"kilograms?|kilogrammes?|kgs?", "mass", "kilogram"),
    (r"milligrams?|milligrammes?|mg", "mass", "milligram"),
    (r"grams?|grammes?|g", "mass", "gram"),
    (r"pounds?|lbs?", "mass", "pound"),
    (r"millilitres?|milliliters?|ml", "volume", "milliliter"),
    (r"centilitres?|centiliters?|cl", "volume", "centiliter"),
    (r"litres?|liters?", "volume", "liter"),
    (r"gallons?", "volume", "gallon"),
    (r"barrels?", "volume", "oil_barrel"),
    (r"cubic metres?|cubic meters?|m3|m³", "volume", "meter ** 3"),
    (r"°\s?C|degrees? celsius|degrees? centigrade|celsius", "temperature", "degC"),
    (r"°\s?F|degrees? fahrenheit|fahrenheit", "temperature", "degF"),
    (r"terawatt[ -]hours?|TWh", "energy", "terawatt_hour"),
    (r"gigawatt[ -]hours?|GWh", "energy", "gigawatt_hour"),
    (r"megawatt[ -]hours?|MWh", "energy", "megawatt_hour"),
    (r"kilowatt[ -]hours?|kWh", "energy", "kilowatt_hour"),
    (r"watt[ -]hours?|Wh", "energy", "watt_hour"),
    (r"seconds?|secs?", "duration", "second"),
    (r"minutes?|mins?", "duration", "minute"),
    (r"hours?|hrs?", "duration", "hour"),
    (r"days?", "duration", "day"),
    (r"weeks?", "duration", "week"),
    (r"months?", "duration", "month"),
    (r"years?", "duration", "year"),
    (r"decades?", "duration", "10 * year"),  # pint's "decade" is a logarithmic one
]
# the unit each kind of amount is stored in, as claimtrack names it and as pint does
_BASE_UNITS: dict[str, tuple[str, str]] = {
    "area": ("m2", "meter ** 2"),
    "length": ("m", "meter"),
    "speed": ("m/s", "meter / second"),
    "mass": ("kg", "kilogram"),
    "volume": ("m3", "meter ** 3"),
    "temperature": ("degC", "degC"),
    "duration": ("s", "second"),
    "energy": ("J", "joule"),
}


def preload_units() -> None:
    """Build the unit table now (a long-running process does it before its first article)."""
    _units_by_pattern()


@lru_cache(maxsize=1)
def _units_by_pattern() -> list[tuple[re.Pattern[str], Unit, str]]:
    """Each written unit's pattern, its conversion to the base unit (from pint, loaded on first
    use: building its registry takes most of a second), and a stable name."""
    import pint

    try:  # pint caches its parsed definitions in the user's cache folder: 0.5 s less to load
        registry: Any = pint.UnitRegistry(cache_folder=":auto:")
    except Exception:  # an unwritable or broken cache only costs time
        registry = pint.UnitRegistry()
    table = []
    for pattern, kind, expression in _UNIT_WORDS:
        base_name, pint_base = _BASE_UNITS[kind]
        unit = registry.parse_expression(expression)

        def in_base(value: float, unit: Any = unit, pint_base: str = pint_base) -> float:
            amount = registry.Quantity(value * unit.magnitude, unit.units)
            return float(f"{amount.to(pint_base).magnitude:.12g}")  # without float noise

        offset = in_base(0.0)
        converted = Unit(kind, base_name, in_base(1.0) - offset, offset)
        name = re.sub(r"[^\w ]", "", pattern.split("|")[0])
        table.append((re.compile(rf"^(?:{pattern})$", re.IGNORECASE), converted, name))
    return table


_UNIT_ALTERNATION = "|".join(p for p, _, _ in _UNIT_WORDS)

_SCALES = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "mln": 1e6,
    "mn": 1e6,
    "m": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
    "t": 1e12,  # after a currency symbol only ("$2.1T"); elsewhere "t" is a tonne
}
_CURRENCY_SYMBOLS = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR"}
_CURRENCY_WORDS = {
    "dollar": "USD",
    "dollars": "USD",
    "usd": "USD",
    "euro": "EUR",
    "euros": "EUR",
    "eur": "EUR",
    "pounds sterling": "GBP",
    "gbp": "GBP",
    "yen": "JPY",
    "rupees": "INR",
    "roubles": "RUB",
    "rubles": "RUB",
    "yuan": "CNY",
    "francs": "CHF",
}
_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}
_MONTH_NAMES = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
# an ordinal ("21st century", "the 3rd quarter") is a position, not an amount
_DIGITS = r"(?!0\d)(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d])(?!(?:st|nd|rd|th)\b)"
# a number never continues a slashed token ("9/11", "3/4/2020"); fractions are made decimal first
_NUM = r"(?<![\w.,/])" + _DIGITS + r"(?!/\d)"
_SCALE = r"(?:\s?(?P<scale>thousand|million|billion|trillion|mln|mn|bn|tn|[kmb])\b)?"

_DATE_MDY = re.compile(
    rf"\b(?P<month>{_MONTH_NAMES})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>(?:1[89]|20)\d\d)\b"
)
_DATE_DMY = re.compile(
    rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{_MONTH_NAMES})\s+(?P<year>(?:1[89]|20)\d\d)\b"
)
_DATE_MD = re.compile(rf"\b{_MONTH_NAMES}\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?!,?\s+\d)")
_DATE_MY = re.compile(rf"\b(?P<month>{_MONTH_NAMES})\s+(?P<year>(?:1[89]|20)\d\d)\b")
_MONEY_SCALE = _SCALE.replace("|[kmb]", "|[kmbt]")
_MONEY_SYMBOL = re.compile(
    rf"(?P<cur>US\$|\$|€|£|¥|₹)\s?(?P<num>{_DIGITS}){_MONEY_SCALE}", re.IGNORECASE
)
_MONEY_WORD = re.compile(
    rf"(?P<num>{_NUM}){_SCALE}\s?(?P<cur>{'|'.join(_CURRENCY_WORDS)})\b", re.IGNORECASE
)
_PERCENT = re.compile(
    rf"(?P<num>{_NUM})\s?(?P<unit>%|per ?cent\b|pct\b|percentage points?\b)", re.IGNORECASE
)
_MEASURE = re.compile(
    rf"(?P<num>{_NUM}){_SCALE}[\s-]?(?P<unit>{_UNIT_ALTERNATION})(?![\w²])", re.IGNORECASE
)
_YEAR = re.compile(r"(?<![\w.,$€£-])(?P<year>(?:1[89]|20)\d\d)(?![\w%,.]\d|\s?%)(?:s\b)?")
# Older years need a word that makes them years: "founded in 1132", "since 1066"
_CONTEXT_YEAR = re.compile(
    r"\b(?:in|since|by|from|until|till|circa|year|around|of)\s+(?P<year>1\d\d\d)\b(?![,.]\d|\s?%)",
    re.IGNORECASE,
)
# "5,000 troops", "2,500 Afghan civilians", "3 of its commanders", "2 United States service
# members", "six major currencies": the counted noun is the first plural among the first three
# lower-case words after names and determiners (adjectives come before it), else the first word.
_COUNT = re.compile(
    rf"(?P<num>{_NUM}){_SCALE}"
    r"(?:\s(?:more|fewer|additional|new|extra|other|of)\b)?"
    r"(?:\s(?:the|its|their|his|her|our|these|those|whose)\b)?"
    r"(?:\s(?:[A-Z][\w.&'-]*))*"
    r"(?:\s(?P<words>[a-z][a-z-]{2,}(?:\s[a-z][a-z-]{2,}){0,2}))?"
)
_IRREGULAR_PLURALS = frozenset(
    "people children men women police cattle staff personnel data media feet teeth mice".split()
)
# Words after which a number names something (a phase, an index, a law) rather than counts it:
# "Phase 1", "S&P 500", "Article 5", "Boeing 737", "Covid-19".
_LABEL_WORDS = frozenset(
    """
    phase stage round level tier grade category class article section chapter clause rule
    amendment resolution bill act paragraph item page line gate platform route highway road
    flight episode season part volume version model number no nos type series index covid
    """.split()
)
_WORD_BEFORE = re.compile(r"([\w&.'-]+)[\s-]?$")
_FRACTION = re.compile(
    r"(?<![\w./])(?:(?P<whole>\d+)[\s-])?(?P<num>\d{1,2})/(?P<den>\d{1,3})(?![\w/])"
)
_COMMON_DENOMINATORS = frozenset({2, 3, 4, 5, 8, 10, 16, 32, 64, 100})
_VULGAR = {"½": 0.5, "⅓": 1 / 3, "⅔": 2 / 3, "¼": 0.25, "¾": 0.75, "⅛": 0.125}
_VULGAR_NUMBER = re.compile(rf"(?P<whole>\d+)?\s?(?P<frac>[{''.join(_VULGAR)}])")
_COUNT_STOP = frozenset(
    """
    and or but the a an to in on at of for from by with as per than that which who is are
    was were be been has have had will would said says percent per cent
    """.split()
)


_NUMBER_WORD = (
    r"zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundred|thousand|million|billion|trillion"
)
_NUMBER_WORD_RUN = re.compile(
    rf"(?<![\d.,]\s)(?<![\d.,])\b(?:{_NUMBER_WORD})(?:(?:\s+|-)(?:(?:and|point)\s+)?(?:{_NUMBER_WORD}))*\b",
    re.IGNORECASE,
)


def spell_out_numbers(text: str) -> str:
    """'twenty kilometres' -> '20 kilometres'; leaves '450 million' and a lone 'one' alone."""

    def convert(match: re.Match[str]) -> str:
        words = match[0]
        if words.lower() in ("one", "hundred", "thousand", "million", "billion", "trillion"):
            return words  # "one of them", "a million": not worth a number
        try:
            converted = str(alpha2digit(words, "en", threshold=0))
        except (ValueError, RuntimeError):
            return words
        return converted if converted[:1].isdigit() else words

    return _NUMBER_WORD_RUN.sub(convert, text)


_FRACTION_DENOMINATORS = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4,
    "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6, "eighth": 8, "eighths": 8,
    "tenth": 10, "tenths": 10,
}  # fmt: skip
_NUMERATORS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9,
}  # fmt: skip
# "a third of voters", "two thirds", "three quarters", "half of the residents": a numerator word
# is required ("the third quarter" is an ordinal), except for "half" before "of" or a determiner
_FRACTION_WORDS = re.compile(
    rf"\b(?:(?P<numerator>{'|'.join(_NUMERATORS)})[\s-]+(?P<denominator>"
    rf"{'|'.join(_FRACTION_DENOMINATORS)})|(?P<half>half)(?=\s+(?:of|the|a|an|its|their)\b))\b",
    re.IGNORECASE,
)


def fraction_words(text: str) -> str:
    """'a third of voters' -> '0.333333 of voters'; 'half of them' -> '0.5 of them'."""

    def convert(match: re.Match[str]) -> str:
        if match["half"]:
            return "0.5"
        value = (
            _NUMERATORS[match["numerator"].lower()]
            / _FRACTION_DENOMINATORS[match["denominator"].lower()]
        )
        return f"{value:.6g}"

    return _FRACTION_WORDS.sub(convert, text)


_AND_A_FRACTION = re.compile(r"(?<![\d.,])(?P<whole>\d+) and (?P<part>0\.\d+)(?![\d.])")


def mixed_numbers(text: str) -> str:
    """'2 and 0.5 miles' (from "two and a half miles") -> '2.5 miles'."""

    def join(match: re.Match[str]) -> str:
        return f"{int(match['whole']) + float(match['part']):.6g}"

    return _AND_A_FRACTION.sub(join, text)


def decimal_fractions(text: str) -> str:
    """'1-1/2' -> '1.5', '7/32' -> '0.21875', '2½' -> '2.5'. Only fractions with a common
    denominator (halves to 64ths, hundredths), or after a whole number, are fractions: '9/11'
    and '24/7' stay as written (and a slashed token is never read as numbers)."""

    def convert(match: re.Match[str]) -> str:
        numerator, denominator = int(match["num"]), int(match["den"])
        whole = match["whole"]
        if denominator == 0 or numerator >= denominator:
            return match[0]
        if whole is None and denominator not in _COMMON_DENOMINATORS:
            return match[0]
        value = (int(whole) if whole else 0) + numerator / denominator
        return f"{value:.6g}"

    def vulgar(match: re.Match[str]) -> str:
        value = (int(match["whole"]) if match["whole"] else 0) + _VULGAR[match["frac"]]
        return f"{value:.6g}"

    return _VULGAR_NUMBER.sub(vulgar, _FRACTION.sub(convert, text))


def _is_label(text: str, start: int) -> bool:
    """The number at `start` names something ("Phase 1", "S&P 500", "Boeing 737"): the word
    before it is a label word, holds '&', or is a capitalised word that does not open the
    sentence ("Only 5 people" counts)."""
    before = _WORD_BEFORE.search(text, max(0, start - 40), start)
    if before is None:
        return False
    word = before[1].strip(".'-")
    if not word or word[0].isdigit():
        return False
    if word.lower() in _LABEL_WORDS or "&" in word:
        return True
    if before[1].endswith("-") and word.isupper():  # "F-35", "OAO-1", "G-20"
        return True
    preceding = text[: before.start(1)].rstrip()
    opens_sentence = not preceding or preceding[-1] in '.!?:;"“('
    return word[0].isupper() and not opens_sentence and word.lower() not in _COUNT_STOP


def _counted_noun(words: str | None) -> str | None:
    """The noun a count counts, from the lower-case words after the number."""
    if not words:
        return None
    candidates: list[str] = []
    for word in words.split():
        if word.lower() in _COUNT_STOP:
            break
        candidates.append(word)
    for word in candidates:
        lower = word.lower()
        plural = lower.endswith("s") and not lower.endswith(("ss", "us", "is"))
        if plural or lower in _IRREGULAR_PLURALS:
            return word
    return candidates[0] if candidates else None


def _number(text: str, scale: str | None) -> float:
    value = float(text.replace(",", ""))
    if scale:
        value *= _SCALES[scale.lower()]
    return value


def _unit_for(word: str) -> tuple[Unit, str] | None:
    """The unit a word names, and a stable name for the written unit."""
    cleaned = re.sub(r"\s+", " ", word.strip())
    for pattern, unit, name in _units_by_pattern():
        if pattern.match(cleaned):
            return unit, name
    return None


def _noun_unit(word: str) -> str:
    word = word.lower()
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def extract_quantities(sentence: str) -> tuple[Quantity, ...]:
    """Every quantity, money amount, percentage, date and year in the sentence, in order."""
    text = decimal_fractions(mixed_numbers(spell_out_numbers(fraction_words(sentence))))
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, int, Quantity]] = []

    def free(span: tuple[int, int]) -> bool:
        return all(span[1] <= a or span[0] >= b for a, b in taken)

    def add(span: tuple[int, int], quantity: Quantity) -> None:
        taken.append(span)
        found.append((span[0], span[1], quantity))

    for pattern in (_DATE_MDY, _DATE_DMY):
        for m in pattern.finditer(text):
            if free(m.span()):
                month = _month_key(m["month"])
                day_number = int(m["year"]) * 10000 + month * 100 + int(m["day"])
                add(m.span(), Quantity("date", float(day_number), "day", m[0]))
    for m in _DATE_MD.finditer(text):
        if free(m.span()):
            taken.append(m.span())  # a day without a year ("July 20"): not a number to compare
    for m in _DATE_MY.finditer(text):
        if free(m.span()):
            month = _month_key(m["month"])
            add(
                m.span(),
                Quantity("date", float(int(m["year"]) * 10000 + month * 100), "month", m[0]),
            )
    for m in _MONEY_SYMBOL.finditer(text):
        if free(m.span()):
            currency = _CURRENCY_SYMBOLS[m["cur"].lower()]
            add(m.span(), Quantity("money", _number(m["num"], m["scale"]), currency, m[0].strip()))
    for m in _MONEY_WORD.finditer(text):
        if free(m.span()):
            currency = _CURRENCY_WORDS[m["cur"].lower()]
            add(m.span(), Quantity("money", _number(m["num"], m["scale"]), currency, m[0].strip()))
    for m in _PERCENT.finditer(text):
        if free(m.span()):
            unit = "pp" if m["unit"].lower().startswith("percentage") else "%"
            add(m.span(), Quantity("percent", _number(m["num"], None), unit, m[0].strip()))
    for m in _MEASURE.finditer(text):
        found_unit = _unit_for(m["unit"])
        if found_unit is None or not free(m.span()):
            continue
        measure, written = found_unit
        if measure.base == "m" and m["unit"].lower() == "m" and m["scale"] is None:
            continue  # "5 m" alone is too ambiguous (metres or millions)
        value = _number(m["num"], m["scale"]) * measure.factor + measure.offset
        add(m.span(), Quantity(measure.kind, value, measure.base, m[0].strip(), written))
    for pattern in (_YEAR, _CONTEXT_YEAR):
        for m in pattern.finditer(text):
            span = m.span("year")
            if free(span):
                add(span, Quantity("year", float(m["year"]), "year", m["year"]))
    for m in _COUNT.finditer(text):
        span = (m.start(), m.end("num") if m["scale"] is None else m.end("scale"))
        if not free(span):
            continue
        if _is_label(text, m.start()):
            taken.append(span)  # part of a name, not an amount
            continue
        noun = _counted_noun(m["words"])
        amount = _number(m["num"], m["scale"])
        if noun:
            end = m.start("words") + m["words"].index(noun) + len(noun)
            add(
                (m.start(), end), Quantity("count", amount, _noun_unit(noun), text[m.start() : end])
            )
        else:
            add(span, Quantity("number", amount, "", text[span[0] : span[1]].strip()))
    ordered = _ranges(text, sorted(found, key=lambda item: item[0]))
    return tuple(_bounded(text, start, q) for start, _, q in ordered)


# "3 to 4 percent", "between 3,000 and 5,000 people", "40-50 minutes": one amount, a range
_RANGE_JOIN = re.compile(r"^\s*(?:to|and|-|–|—)\s*$")
_BETWEEN = re.compile(r"\bbetween\s*$", re.IGNORECASE)
_RANGE_KINDS = ("number", "count", "percent", "money", "length", "area", "mass", "volume",
                "speed", "duration", "energy")  # fmt: skip


def _ranges(text: str, found: list[tuple[int, int, Quantity]]) -> list[tuple[int, int, Quantity]]:
    """Consecutive amounts joined as a range become one quantity with its bound "range" (its
    value the low end, `upper` the high end); a bare first number takes the second's unit."""
    merged: list[tuple[int, int, Quantity]] = []
    index = 0
    while index < len(found):
        start, end, low = found[index]
        if index + 1 < len(found):
            next_start, next_end, high = found[index + 1]
            joiner = text[end:next_start]
            uses_and = joiner.strip() == "and"
            joined = _RANGE_JOIN.match(joiner) and (
                not uses_and or _BETWEEN.search(text[max(0, start - 12) : start])
            )
            if joined and not uses_and:
                high = _unit_from_low(low, high)
            low_value = _range_low(low, high) if joined else None
            if low_value is not None and low_value < high.value:
                surface = text[start:next_end].strip()
                quantity = replace(
                    high, value=low_value, surface=surface, bound="range", upper=high.value
                )
                merged.append((start, next_end, quantity))
                index += 2
                continue
        merged.append((start, end, low))
        index += 1
    return merged


def _unit_from_low(low: Quantity, high: Quantity) -> Quantity:
    """ "$3-4 million": the currency written on the low end is the high end's too, so the high
    end is 4 million dollars and the low end, scaled like it, 3 million."""
    if low.kind != "money" or high.kind != "number":
        return high
    return replace(high, kind="money", unit=low.unit)


def _range_low(low: Quantity, high: Quantity) -> float | None:
    """The range's low end in the high end's unit, or None when the two do not make a range."""
    if high.kind not in _RANGE_KINDS:
        return None
    high_number = _written_number(high)
    if (low.kind, low.unit) == (high.kind, high.unit):
        low_number = _written_number(low)
        scale_on_high_only = low.value == low_number and high.value != high_number
        if scale_on_high_only and high_number and low_number <= high_number:
            return low.value * high.value / high_number  # "$3 to $4 million": 3 million
        return low.value
    if low.kind != "number" or not high_number:
        return None
    return low.value * high.value / high_number  # "40 to 50 minutes": the minutes' factor


def _written_number(quantity: Quantity) -> float:
    """The number as written in the quantity's text ("4" in "$4 million"), 0 without one."""
    written = _WRITTEN_NUMBER.search(quantity.surface)
    return float(written[0].replace(",", "")) if written else 0.0


# words before an amount that say it is approximate or a bound ("nearly 3,000", "more than 40%")
_BOUNDS = (
    ("about", r"about|around|roughly|approximately|nearly|almost|some|an estimated|close to|"
     r"circa|c\.|just over|just under|~"),
    ("over", r"more than|over|at least|upwards of|in excess of|above|exceeding|no fewer than|"
     r"no less than"),
    ("under", r"less than|fewer than|under|below|at most|up to|no more than|not more than"),
)  # fmt: skip
_BOUND_BEFORE = [
    (bound, re.compile(rf"\b(?:{words})\s*$", re.IGNORECASE)) for bound, words in _BOUNDS
]
_NOT_BOUNDED_KINDS = ("year", "date")


def _bounded(text: str, start: int, quantity: Quantity) -> Quantity:
    if quantity.kind in _NOT_BOUNDED_KINDS:
        return quantity
    before = text[max(0, start - 30) : start]
    if quantity.bound:  # a range already
        return quantity
    for bound, pattern in _BOUND_BEFORE:
        if pattern.search(before):
            return replace(quantity, bound=bound)
    return quantity


def _month_key(name: str) -> int:
    key = name.lower().rstrip(".")
    return _MONTHS.get(key) or _MONTHS[key[:3]]


_WRITTEN_NUMBER = re.compile(r"\d[\d,]*(?:\.(?P<decimals>\d+))?")


def relative_precision(quantity: Quantity) -> float:
    """How precisely the amount was written, relative to it: half of its last significant
    digit ("12 miles": 0.5/12; "12.4 miles": 0.05/12.4; "450 million": 5/450, trailing zeros
    of a whole number being rounding)."""
    match = _WRITTEN_NUMBER.search(quantity.surface)
    if match is None:
        return 0.0
    digits = match[0].replace(",", "")
    number = float(digits)
    if number == 0:
        return 0.0
    if match["decimals"]:
        half_step = 0.5 * 10.0 ** -len(match["decimals"])
    else:
        trailing_zeros = len(digits) - len(digits.rstrip("0"))
        half_step = 0.5 * 10.0**trailing_zeros
    return half_step / number


APPROXIMATE_TOLERANCE = 0.1  # "about 3,000" is anything within 10% of it


def _interval(q: Quantity, tolerance: float) -> tuple[float, float]:
    """The values the wording allows: a bound is open on one side, "about" is within 10%."""
    value = q.value
    slack = abs(value) * max(min(relative_precision(q), tolerance), 1e-9)
    if q.bound == "over":  # "more than 40%" leaves no room below 40%
        return value, math.inf
    if q.bound == "under":
        return -math.inf, value
    if q.bound == "about":
        spread = abs(value) * max(APPROXIMATE_TOLERANCE, tolerance)
        return value - spread, value + spread
    if q.bound == "range":
        return value, q.upper
    return value - slack, value + slack


def _consistent_bounds(a: Quantity, b: Quantity, tolerance: float) -> bool:
    """Amounts of which one is approximate or a bound agree when the values their wording
    allows overlap: "more than 40%" agrees with "43%", "nearly 3,000" with "2,950"."""
    low_a, high_a = _interval(a, tolerance)
    low_b, high_b = _interval(b, tolerance)
    return low_a <= high_b and low_b <= high_a


def same_amount(a: Quantity, b: Quantity, tolerance: float) -> bool:
    """Written in the same unit: exactly equal. In different units (20 km, 12 miles): the
    ranges their written precision allows overlap ("12 miles" is 11.5 to 12.5 miles, so it
    repeats "20 km"; "12.4 miles" is tighter), each range at most `tolerance` of the amount."""
    if (a.kind, a.unit) != (b.kind, b.unit):
        return False
    if a.bound or b.bound:
        return _consistent_bounds(a, b, tolerance)
    if a.written_unit == b.written_unit:
        return math.isclose(a.value, b.value, rel_tol=1e-9, abs_tol=1e-9)
    spread_a = min(relative_precision(a), tolerance) * abs(a.value)
    spread_b = min(relative_precision(b), tolerance) * abs(b.value)
    return abs(a.value - b.value) <= spread_a + spread_b + 1e-9
