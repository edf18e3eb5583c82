"""What a value may be, by unit; the cells of a split; status against the target."""
import math
from dataclasses import dataclass
from itertools import product


from workspace.i18n import gettext as _, lazy_gettext as _l
from workspace.models import DIMENSIONS
from workspace.models.indicators import MARGIN

# What an indicator's latest value says against its target, in the order a committee reads them.
STANDING_LABELS = {"off_track": _l("Off track"), "no_data": _l("No data"), "no_target": _l("No target"),
                   "on_track": _l("On track")}
JUMP = 0.5  # a change of more than 50% from the last period asks for a short explanation


def cells(dimensions: list[str]) -> list[str]:
    """The cells of a split, e.g. ["sex=female", "sex=male"]; [""] when the indicator is not split."""
    if not dimensions:
        return [""]
    axes = [[f"{name}={value}" for value in DIMENSIONS[name][1]] for name in dimensions]
    return ["|".join(combo) for combo in product(*axes)]


def cell_label(cell: str) -> str:
    if not cell:
        return _("Total")
    parts = []
    for part in cell.split("|"):
        name, value = part.split("=")
        parts.append(str(DIMENSIONS[name][1][value]))
    return ", ".join(parts)


def cell_labels(cells) -> dict[str, str]:
    """{cell: label} of the cells given, each translated once: a list shows the same few many times."""
    return {cell: cell_label(cell) for cell in set(cells)}


YES = {"yes", "y", "1", "true", "হ্যাঁ", "হাঁ", "oui", "o"}
NO = {"no", "n", "0", "false", "না", "non"}


def parse(unit: str, raw: str) -> float:
    """The value typed, checked against its unit; ValueError with a message for the person."""
    text = (raw or "").strip().replace(",", ".")
    if unit == "yes_no":
        answer = text.lower()
        # Whatever language the person answers in (a file may come from anyone): English, Bengali,
        # French, and the reader's own words for yes and no.
        if answer in YES or answer == _("yes").lower():
            return 1.0
        if answer in NO or answer == _("no").lower():
            return 0.0
        raise ValueError(_("Answer yes or no."))
    try:
        number = float(text)
    except ValueError:
        raise ValueError(_("Type a number.")) from None
    if not math.isfinite(number):  # "inf" and "nan" read as floats, but are no one's count
        raise ValueError(_("Type a number."))
    if unit == "count":
        if number < 0 or number != int(number):
            raise ValueError(_("A count is a whole number, 0 or more."))
    elif unit == "percent":
        if not 0 <= number <= 100:
            raise ValueError(_("A percentage is between 0 and 100."))
    elif unit == "score":
        if number not in (1, 2, 3, 4, 5):
            raise ValueError(_("A score is 1, 2, 3, 4 or 5."))
    return number


def big_jump(previous: float | None, value: float) -> bool:
    if previous is None:
        return False
    if previous == 0:
        return value != 0
    return abs(value - previous) / abs(previous) > JUMP


@dataclass
class Judgement:
    status: str  # on_track, off_track, no_data, no_target

    @property
    def label(self) -> str:
        return str(STANDING_LABELS[self.status])


def target_of(indicator, period: str | None, targets: dict) -> float | None:
    return targets.get((indicator.id, period), indicator.target)


def standing(higher: bool, value: float | None, target: float | None) -> str:
    """The status of a value against a target: judge() for lists of one indicator's values."""
    if value is None:
        return "no_data"
    if target is None:
        return "no_target"
    if higher:
        return "on_track" if value >= target - abs(target) * MARGIN else "off_track"
    return "on_track" if value <= target + abs(target) * MARGIN else "off_track"


def judge(indicator, value: float | None, target: float | None = None) -> Judgement:
    """On or off track against the period's target (the indicator's usual one if none is given)."""
    return Judgement(standing(indicator.direction == "higher", value,
                              indicator.target if target is None else target))
