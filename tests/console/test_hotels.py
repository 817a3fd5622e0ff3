"""Hotels in the console, over HTTP against a real `python -m console`: add, show, copy, delete.

A hotel's routes are rows of a venue (offered with its name) and directions;
a venue chosen twice is refused at its row in the staff's language, and a
refused save leaves the draft as it was.
"""

from __future__ import annotations

import pytest

from bot.content.fields import SECTIONS
from bot.content.yamledit import find, records
from bot.settings import Settings
from console.drafting import current
from console.services import build_services
from tests.support.console import Browser, ConsoleServer

pytestmark = pytest.mark.slow

HOTELS = SECTIONS["hotels"]
HOTEL = {
    "id": "airport_hotel",
    "name.zh": "桃仙机场酒店",
    "name.ko": "타오셴공항 호텔",
    "aliases.zh": "机场酒店\n機場酒店",
    "aliases.ko": "공항 호텔",
    "address.zh": "沈阳市浑南区桃仙机场",
    "address.ko": "선양시 훈난구 타오셴공항",
    "location.lat": "41.64",
    "location.lon": "123.49",
    "routes.0.venue": "expo_center",
    "routes.0.directions.zh": "打车约20分钟。",
    "routes.0.directions.ko": "택시로 약 20분.",
    "routes.1.venue": "",
}


@pytest.fixture(scope="module")
def console(tmp_path_factory):
    server = ConsoleServer(tmp_path_factory.mktemp("console")).start()
    yield server
    server.stop()


def _draft_hotel(console: ConsoleServer, hotel_id: str):  # noqa: ANN202
    settings = Settings.from_env(console.env)
    return find(current(build_services(settings)).texts, HOTELS, hotel_id)[1]


def test_a_hotel_is_added_shown_copied_and_deleted(console) -> None:
    browser = Browser(console.url)
    browser.login("eddie")
    listing = browser.get("/content/hotels")
    assert 'id="add-hotels"' in listing.text and "qingnian_street_hotel" in listing.text
    browser.get("/content/hotels/new")
    shown = browser.post("/content/hotels/new", HOTEL)
    assert "已保存到草稿" in shown.text and "expo_center · 沈阳国际展览中心" in shown.text
    hotel = _draft_hotel(console, "airport_hotel")
    assert dict(hotel["routes"]) == {
        "expo_center": {"zh": "打车约20分钟。", "ko": "택시로 약 20분."}
    }
    assert list(hotel["aliases"]["zh"]) == ["机场酒店", "機場酒店"]
    copied = browser.post("/content/hotels/airport_hotel/duplicate", {"new_id": "airport_hotel_2"})
    assert "复制" in copied.text and 'value="airport_hotel_2"' in copied.text
    browser.post("/content/hotels/airport_hotel_2/delete", {})
    assert "airport_hotel_2" not in browser.get("/content/hotels").text


def test_a_problem_of_a_hotel_links_to_the_hotels(console) -> None:
    browser = Browser(console.url)
    browser.login("pia")
    browser.get("/content/hotels")
    refused = browser.post("/content/hotels/xita_hotel/duplicate", {"new_id": "Xita Hotel"})
    assert "“Xita Hotel”不能作编号" in refused.text and "Xita Hotel" not in _draft_ids(console)
    browser.post("/content/hotels/xita_hotel/duplicate", {"new_id": "xita"})  # a venue's id
    problems = browser.get("/publish").text.split('id="draft-problems"')[1].split("</section>")[0]
    assert '<a href="/content/hotels">“xita”已经是一个场馆的编号' in problems
    browser.post("/content/hotels/xita/delete", {})
    assert 'id="draft-problems"' not in browser.get("/publish").text


def _draft_ids(console: ConsoleServer) -> list[str]:
    settings = Settings.from_env(console.env)
    return [str(r["id"]) for r in records(current(build_services(settings)).texts, HOTELS)]
