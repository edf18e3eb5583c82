"""Whose indicators: a community group's (its people define and enter, its coordinator adopts,
assigned NGO or government staff verify) or a committee's (its members define and enter, its
chair and secretary adopt and verify). Pages and rules ask the owner, so one set of views
serves both."""
from dataclasses import dataclass

from flask import abort, url_for

from workspace import access
from workspace.models import Committee, Indicator, Organization

GROUP_RULES = {
    "see": access.can_see_group_data,
    "define": access.can_define_indicators,
    "coordinate": access.is_coordinator,
    "enter": access.can_enter_values,
    "verify": access.is_verifier,
}
COMMITTEE_RULES = {
    "see": access.can_see_committee,
    "define": access.can_propose_item,
    "coordinate": access.can_run_committee,
    "enter": access.can_propose_item,
    "verify": access.can_run_committee,
}


@dataclass(frozen=True)
class Owner:
    record: Organization | Committee

    @property
    def is_group(self) -> bool:
        return isinstance(self.record, Organization)

    @property
    def id(self) -> int:
        return self.record.id

    @property
    def name(self) -> str:
        return self.record.name

    @property
    def args(self) -> dict:
        """The URL values that name this owner: group_id=… or committee_id=…."""
        return {"group_id": self.id} if self.is_group else {"committee_id": self.id}

    def url(self, endpoint: str, **values) -> str:
        return url_for(endpoint, **self.args, **values)

    @property
    def home(self) -> str:
        return self.url("indicators.group")

    def owns(self, indicator: Indicator) -> bool:
        return (indicator.organization_id if self.is_group else indicator.committee_id) == self.id

    @property
    def column(self):
        return Indicator.organization_id if self.is_group else Indicator.committee_id

    def can(self, user, need: str) -> bool:
        return (GROUP_RULES if self.is_group else COMMITTEE_RULES)[need](user, self.record)

    def check(self, user, need: str) -> None:
        """404 for anyone who may not see the owner's data; 403 for one who sees but may not act."""
        if self.is_group and self.record.kind != "community_group":
            abort(404)
        if not self.can(user, "see"):
            abort(404)
        if not self.can(user, need):
            abort(403)

    def owner_fields(self) -> dict:
        return {"organization": self.record} if self.is_group else {"committee": self.record}


def owner_of(indicator: Indicator) -> Owner:
    return Owner(indicator.organization or indicator.committee)
