"""WeChat replies, built by the pure functions: reply XML, buttons as links, parts."""

from __future__ import annotations

import xmltodict
from hypothesis import given, settings
from hypothesis import strategies as st

from channels.common.replies import BotMessage, Button, Venue, utf8_len
from channels.wechat import render
from tests.channels.wechat.client import USER, reply_content


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_reply_xml_is_well_formed_for_any_content(content: str) -> None:
    xml = render.text_reply_xml(USER, "gh_3a8f5c1d2e4b", content, now=1)
    parsed = xmltodict.parse(xml, strip_whitespace=False)["xml"]
    expected = render.clean_text(content)
    assert (parsed.get("Content") or "") == expected.replace("\r\n", "\n").replace("\r", "\n")


def test_reply_xml_escapes_cdata_terminator_that_wechatpy_does_not() -> None:
    xml = render.text_reply_xml(USER, "gh", "a]]>b<c>&\x00\x1b end", now=1)
    assert reply_content(xml) == "a]]>b<c>& end"


def test_render_buttons_as_bizmsgmenu_links_or_numbers_and_maps_as_links() -> None:
    message = BotMessage(
        text="请选择",
        buttons=(Button("日程 & 时间", "/ask_schedule"), Button("官网", url="https://e.org")),
        venue=Venue(41.8, 123.4, "会展中心", "会展路9号"),
    )
    links = render.render_messages([message], "zh", "links", menu_base=42)
    assert 'href="weixin://bizmsgmenu?msgmenucontent=日程 ＆ 时间&msgmenuid=4201"' in links.text
    assert '<a href="https://e.org">官网</a>' in links.text
    assert "https://uri.amap.com/marker?position=123.400000,41.800000" in links.text
    assert "查看地图" in links.text
    assert links.options == {"1": "/ask_schedule", "4201": "/ask_schedule"}
    numbered = render.render_messages([message], "ko", "numbered", menu_base=42)
    assert "1. 日程 & 时间" in numbered.text and "bizmsgmenu" not in numbered.text
    assert "지도 보기" in numbered.text


def test_long_text_splits_into_customer_service_parts_within_2048_bytes() -> None:
    text = "\n".join(f"第{i}行：韩国周活动介绍，欢迎参加。" * 3 for i in range(200))
    parts = render.split_for_customer_service(text)
    assert len(parts) > 1 and all(utf8_len(p) <= 2048 for p in parts)
    assert "".join(parts).replace("\n", "") == text.replace("\n", "")
