"""Shared steps of the replay suites: pick a category the way a resident does,
and the apps' own version comparisons."""

import pytest

HOTEL_DE_VILLE = (48.856613, 2.352222)
ADDRESS = "Place de l'Hôtel de Ville, 75004 Paris"
DESCRIPTION = "Tag à l'entrée du métro, côté rue de Rivoli"


def pick_leaf(categories: dict) -> str:
    """A reportable leaf of the answered tree: no children, not for agents, not
    out of scope (preferring graffiti, as tests/interop/conftest.py's `leaf`)."""
    leaves = [
        (key, node)
        for key, node in categories.items()
        if key != "0" and not node.get("children_id") and not node.get("isAgent") and not node.get("horsDMR")
    ]
    assert leaves, "getCategories offered no reportable leaf"
    leaves.sort(key=lambda kv: ("graffiti" not in (kv[1].get("name") or "").lower(), int(kv[0])))
    return leaves[0][0]


def android_version_compare(a: str, b: str) -> int:
    """MiscTools.versionCompare (Android), which the splash screen applies."""
    v1, v2 = a.split("."), b.split(".")
    i = 0
    while i < len(v1) and i < len(v2) and v1[i] == v2[i]:
        i += 1
    if i < len(v1) and i < len(v2):
        diff = int(v1[i]) - int(v2[i])
        return (diff > 0) - (diff < 0)
    return (len(v1) > len(v2)) - (len(v1) < len(v2))


def ios_update_required(current: str, mandatory: str) -> bool:
    """VersionsUtils.swift:59-61: current.versionToInt() lexicographically precedes."""

    def ints(v: str):
        return [int(p) for p in v.split(".") if p.isdigit()]

    return ints(current) < ints(mandatory)


@pytest.fixture
def resident_account(session):
    """A Paris-account resident, known to identitystore by its guid."""
    from dansmarue.access import auth

    user = auth.create_user("camille.martin@example.org", None, "resident", full_name="Camille Martin")
    user.account_guid = "guid-camille"
    session.commit()
    return user


def dispatched(t, report_id: int) -> None:
    """The worker's dispatch of a new report, which the apps leave to the server.

    Test client: the real job function, as RQ calls it. Live server: its own
    worker does it; wait (bounded) until getIncidentById leaves the intake states."""
    if not t.base_url:
        from workers.jobs.dispatch import dispatch_report

        dispatch_report(report_id)
        return
    import json
    import time

    from dansmarue.workflow.states import STATES
    from tests.interop.app_calls import android_rpc

    intake = {STATES["initial"].real_id, STATES["verification"].real_id}
    for _ in range(120):
        _, text = android_rpc(
            t, "signalement/api", {"id": report_id, "source": "DansMaRue", "request": "getIncidentById"}
        )
        if json.loads(text)[0]["answer"]["incident"]["stateId"] not in intake:
            return
        time.sleep(0.5)
    raise AssertionError(f"report {report_id} was not dispatched by the live worker")
