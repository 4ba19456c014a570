"""News and help pages (getActualite/{v}, getAide/{v}) from a city's
MOBILE_CONTENT_PATH file, read by both apps: Android's Gson models
(MySpaceNewsResponse, MySpaceHelpResponse) and iOS's readers, which
force-unwrap every key of every item once saved (ReferalManager.swift:304-338),
`actif` of a news item included."""

import json
from pathlib import Path

import pytest

from tests.interop import android_models as m
from tests.interop import ios_readers as ios
from tests.interop.conftest import own_app

CONTENT = {
    "actualites": {
        "version": 3,
        "items": [
            {"id": 2, "libelle": "Nettoyage du quartier", "texte": "Samedi matin.", "ordre": 2},
            {
                "id": 1,
                "libelle": "Nouvelle version",
                "texte": "Photos plus nettes.",
                "ordre": 1,
                "actif": False,
            },
        ],
    },
    "aides": {
        "version": 1,
        "items": [{"id": 7, "libelle": "Signaler", "hypertexte_url": "https://example.org/aide"}],
    },
}


@pytest.fixture
def content_client(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path):
    path = tmp_path / "contenu.json"
    path.write_text(json.dumps(CONTENT), encoding="utf-8")
    return own_app(tmp_path_factory, MOBILE_CONTENT_PATH=str(path)).test_client()


def test_both_apps_read_every_news_and_help_item(content_client):
    news = content_client.get("/rest/signalement/getActualite/0")
    android = m.read(news.status_code, news.get_data(as_text=True), m.NEWS)
    assert android["answer"]["version"] == 3
    assert [n["libelle"] for n in android["answer"]["actualites"]] == [
        "Nouvelle version",
        "Nettoyage du quartier",
    ]
    version, items = ios.pages(ios.parse(news.get_data(as_text=True)), "actualites")
    assert version == 3.0 and [(i["id"], i["actif"]) for i in items] == [(1, False), (2, True)]
    assert items[1]["image_url"] == ""  # absent in the file: sent empty, never missing

    helps = content_client.get("/rest/signalement/getAide/0")
    android = m.read(helps.status_code, helps.get_data(as_text=True), m.HELP)
    assert android["answer"]["aides"][0]["hypertexte_url"] == "https://example.org/aide"
    _, items = ios.pages(ios.parse(helps.get_data(as_text=True)), "aides")
    assert items == [{"libelle": "Signaler", "hypertexte_url": "https://example.org/aide", "image_url": ""}]


def test_a_news_item_without_actif_crashes_the_ios_reader():
    """The reader itself can fail: the same answer without `actif`."""
    body = {
        "answer": {
            "status": 0,
            "version": 1,
            "actualites": [{"id": 1, "libelle": "", "texte": "", "image_url": ""}],
        }
    }
    with pytest.raises(ios.ForceUnwrapCrash):
        ios.pages(body, "actualites")


def test_an_unreadable_field_is_the_apps_error_not_a_500(tmp_path_factory, tmp_path):
    path = tmp_path / "contenu.json"
    path.write_text(json.dumps({"aides": {"items": [{"ordre": "premier"}]}}), encoding="utf-8")
    answer = (
        own_app(tmp_path_factory, MOBILE_CONTENT_PATH=str(path))
        .test_client()
        .get("/rest/signalement/getAide/0")
    )
    assert answer.status_code == 200 and answer.json["error"] == 3


def test_the_ios_category_reader_walks_every_parent():
    """ReferalManager.swift:83-84 force-unwraps each parent up to "0"."""
    good = [
        {
            "answer": {
                "status": 0,
                "version": 1,
                "categories": {
                    "0": {"children_id": ["1"]},
                    "1": {"parent_id": "0", "children_id": ["2"]},
                    "2": {"parent_id": "1"},
                },
            }
        }
    ]
    assert set(ios.categories(good)) == {"0", "1", "2"}
    orphan = [{"answer": {"status": 0, "version": 1, "categories": {"0": {}, "2": {"parent_id": "9"}}}}]
    with pytest.raises(ios.ForceUnwrapCrash):
        ios.categories(orphan)
