"""#16.3 near-duplicate photos: the threshold on built pairs, and the hints at intake."""

import io

from PIL import Image, ImageEnhance

from dansmarue.media.imaging import hamming, perceptual_hash
from dansmarue.reports.photo_matches import MAX_DISTANCE
from tests.media.factories import encode, scene
from tests.residents.conftest import ROQUETTE

SCENES = range(1, 13)


def variants(img: Image.Image) -> dict[str, bytes]:
    """The same scene as another phone or app would send it."""
    w, h = img.size
    return {
        "re-encoded": encode(img, "JPEG", quality=90),
        "resized": encode(img.resize((w // 2, h // 2)), "JPEG", quality=85),
        "recompressed q15": encode(img, "JPEG", quality=15),
        "cropped 10 %": encode(img.crop((w // 20, h // 20, w - w // 20, h - h // 20)), "JPEG"),
        "brightened 10 %": encode(ImageEnhance.Brightness(img).enhance(1.1), "JPEG"),
        "png": encode(img, "PNG"),
    }


def pair_distances() -> tuple[list[int], list[int]]:
    """(distances of near-duplicate pairs, distances of different-scene pairs)."""
    originals = {seed: perceptual_hash(encode(scene(seed), "JPEG")) for seed in SCENES}
    same = [
        hamming(originals[seed], perceptual_hash(data))
        for seed in SCENES
        for data in variants(scene(seed)).values()
    ]
    different = [hamming(originals[a], originals[b]) for a in SCENES for b in SCENES if a < b]
    return same, different


def test_threshold_finds_near_duplicates_and_not_different_scenes():
    same, different = pair_distances()
    found = sum(d <= MAX_DISTANCE for d in same)
    false = sum(d <= MAX_DISTANCE for d in different)
    print(f"near-duplicates {found}/{len(same)} (max {max(same)})")
    print(f"different scenes {false}/{len(different)} (min {min(different)})")
    assert found / len(same) >= 0.95  # recall
    assert false == 0  # precision: no different scene offered


def _post(client, category, photo: bytes, **position: float):
    form = {"category_id": str(category.id), **{k: str(v) for k, v in {**ROQUETTE, **position}.items()}}
    form["close"] = (io.BytesIO(photo), "close.jpg")
    response = client.post("/api/v1/reports", data=form, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_intake_offers_reports_nearby_with_a_similar_photo(client, graffiti):
    first = _post(client, graffiti, encode(scene(3), "JPEG"))
    assert first["possible_photo_duplicates"] == []
    # The same scene recompressed, 30 m away, filed under the same category.
    again = _post(
        client, graffiti, encode(scene(3), "JPEG", quality=20), latitude=ROQUETTE["latitude"] + 0.00027
    )
    [hint] = again["possible_photo_duplicates"]
    assert hint["reference"] == first["reference"] and 20 < hint["distance_m"] < 40
    assert 0 <= hint["hamming"] <= MAX_DISTANCE
    # Another scene at the same place: no photo hint.
    other = _post(client, graffiti, encode(scene(7), "JPEG"))
    assert other["possible_photo_duplicates"] == []
    # The same scene 300 m away: too far.
    far = _post(client, graffiti, encode(scene(3), "JPEG"), latitude=ROQUETTE["latitude"] + 0.0027)
    assert far["possible_photo_duplicates"] == []
