"""All models, imported here so that Alembic and the app see one metadata.

Each capability keeps its models in its own module of this package.
"""
from workspace.models.directory import (
    AREA_DEPTH, AREA_LEVELS, ORGANIZATION_KINDS, SECTORS, Area, Organization, descendant_ids, tree_order,
)
from workspace.models.accounts import LoginFailure, SetPasswordLink, User, hash_token
from workspace.models.audit import AuditEvent

__all__ = [
    "AREA_DEPTH",
    "AREA_LEVELS",
    "SECTORS",
    "descendant_ids",
    "tree_order",
    "ORGANIZATION_KINDS",
    "Area",
    "AuditEvent",
    "LoginFailure",
    "Organization",
    "SetPasswordLink",
    "User",
    "hash_token",
]
