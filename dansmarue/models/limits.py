"""How long each text a person types may be, by its domain name: one table for
every channel (REST, Open311, the apps' RPC, the pages, the workflow).

A bounded column gives its own length (its type is the one source); free texts
stored in `text` columns (descriptions, comments, messages) get theirs here.
The channels' schemas read this table so that what one accepts, all accept."""

from dansmarue.models.base import text_max
from dansmarue.models.reports import Follower, Report

FREE_TEXT_MAX = 4000  # a description, a comment, a public message
REASON_MAX = 1000  # a rejection reason typed instead of chosen
NAME_MAX = 200  # a third party's or a person's name

TEXT_LIMITS: dict[str, int] = {
    "description": FREE_TEXT_MAX,
    "comment": FREE_TEXT_MAX,
    "message": FREE_TEXT_MAX,
    "reason": REASON_MAX,
    "third_party": NAME_MAX,
    "full_name": NAME_MAX,
    "address": text_max(Report.address),
    "address_precision": text_max(Report.address_precision),
    "guid": text_max(Report.reporter_guid),
    "udid": text_max(Report.reporter_udid),
    "email": text_max(Report.reporter_email),
    "push_token": text_max(Follower.push_token),
}
