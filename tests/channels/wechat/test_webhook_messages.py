"""The WeChat webhook over real HTTP: what each kind of message and event gets."""

from __future__ import annotations

import xmltodict

from tests.channels.wechat.client import USER, post, query, reply_content, wechat
from tests.support.channels import fixture_text, language_of


async def test_plain_text_gets_passive_chinese_reply_with_menu_links_and_metadata() -> None:
    async with wechat() as (url, bot, _, _):
        status, body = await post(url, fixture_text("wechat", "text.xml"), query())
    assert status == 200
    reply = xmltodict.parse(body)["xml"]
    assert reply["ToUserName"] == USER and reply["FromUserName"] == "gh_3a8f5c1d2e4b"
    assert reply["MsgType"] == "text"
    assert language_of(reply["Content"]) == "zh"
    assert "weixin://bizmsgmenu?msgmenucontent=日程" in reply["Content"]
    message = bot.received[0]
    assert message.text == "美食节在哪里？" and message.sender_id == USER
    assert message.input_channel == "wechat"
    assert message.metadata == {"platform": "wechat", "user_id": USER, "default_language": "zh"}


async def test_korean_text_gets_korean_reply() -> None:
    async with wechat() as (url, _, _, _):
        status, body = await post(url, fixture_text("wechat", "text_korean.xml"), query())
    assert status == 200 and language_of(reply_content(body)) == "ko"


async def test_image_and_video_ask_for_text_in_the_users_language() -> None:
    async with wechat() as (url, bot, _, _):
        _, zh = await post(url, fixture_text("wechat", "image.xml"), query())
        await post(url, fixture_text("wechat", "text_korean.xml"), query())
        _, ko = await post(url, fixture_text("wechat", "video.xml"), query())
    assert language_of(reply_content(zh)) == "zh" and "文字" in reply_content(zh)
    assert language_of(reply_content(ko)) == "ko" and "텍스트" in reply_content(ko)
    assert len(bot.received) == 1


async def test_voice_recognition_goes_to_rasa_and_unrecognised_voice_asks_for_text() -> None:
    async with wechat() as (url, bot, _, _):
        await post(url, fixture_text("wechat", "voice.xml"), query())
        _, body = await post(url, fixture_text("wechat", "voice_unrecognised.xml"), query())
    assert [m.text for m in bot.received] == ["跆拳道表演几点开始"]
    assert "文字" in reply_content(body)


async def test_events_welcome_ignore_and_map_menu_keys_to_intents() -> None:
    async with wechat() as (url, bot, _, _):
        _, welcome = await post(url, fixture_text("wechat", "event_subscribe.xml"), query())
        unsubscribe = await post(url, fixture_text("wechat", "event_unsubscribe.xml"), query())
        view = await post(url, fixture_text("wechat", "event_view.xml"), query())
        await post(url, fixture_text("wechat", "event_click.xml"), query())
        await post(url, fixture_text("wechat", "event_scan.xml"), query())
    content = reply_content(welcome)
    assert "欢迎" in content and "환영" in content
    assert content.count("weixin://bizmsgmenu") == 5 and "日程安排 / 일정" in content
    assert unsubscribe == (200, "success") and view == (200, "success")
    assert [m.text for m in bot.received] == ["/ask_schedule", "/ask_venue"]


async def test_tapping_a_menu_link_or_typing_its_number_sends_the_payload() -> None:
    async with wechat() as (url, bot, _, _):
        _, body = await post(url, fixture_text("wechat", "text.xml"), query())
        content = reply_content(body)
        menu_id = content.split("msgmenuid=")[2].split('"')[0]
        tap = fixture_text("wechat", "text_menu_reply.xml").replace("{menu_id}", menu_id)
        await post(url, tap, query())
        typed = (
            fixture_text("wechat", "text.xml")
            .replace("美食节在哪里？", "1")
            .replace("24712345678901234", "24712345678901277")
        )
        await post(url, typed, query())
    assert [m.text for m in bot.received][1:] == [
        '/ask_transport{"origin":"airport"}',
        "/ask_schedule",
    ]


async def test_processing_error_gets_a_polite_passive_answer() -> None:
    xml = fixture_text("wechat", "text.xml").replace("美食节在哪里？", "boom 美食节")
    async with wechat() as (url, _, _, _):
        status, body = await post(url, xml, query())
    assert status == 200 and "稍后再试" in reply_content(body)


async def test_reply_with_cdata_terminator_stays_well_formed() -> None:
    xml = fixture_text("wechat", "text.xml").replace(
        "<Content><![CDATA[美食节在哪里？]]></Content>",
        "<Content>美食]]&gt;节 &amp; &lt;b&gt;</Content>",
    )
    async with wechat() as (url, bot, _, _):
        status, body = await post(url, xml, query())
    assert bot.received[0].text == "美食]]>节 & <b>"
    assert status == 200 and "美食]]>节 & <b>" in reply_content(body)
