"""Building WeChat replies: well-formed XML and text with links.

WeChat text messages cannot carry buttons, so buttons become numbered lines with
``weixin://bizmsgmenu`` links (a tap sends the title back with ``bizmsgmenuid``)
or plain numbered options, and maps, images and cards become ``<a href>`` links.
CDATA sections are split around ``]]>`` and control characters are dropped, so
any content yields well-formed XML (wechatpy's TextReply does neither).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from channels.common.catalog import say
from channels.common.replies import (
    BotMessage,
    Button,
    Card,
    Venue,
    clean_text,
    map_url,
    split_text,
    utf8_len,
)

PASSIVE_LIMIT = 2048  # bytes of Content in one passive reply
CUSTOMER_SERVICE_LIMIT = 2048  # bytes per customer-service text message


def cdata(text: str) -> str:
    """Wraps text in CDATA so that no content can end the section or break the XML."""
    safe = clean_text(text).replace("]]>", "]]]]><![CDATA[>")
    return f"<![CDATA[{safe}]]>"


def text_reply_xml(to_user: str, from_user: str, content: str, now: int | None = None) -> str:
    """Renders a passive text reply.

    Args:
        to_user: The user's OpenID (the message's FromUserName).
        from_user: The official account (the message's ToUserName).
        content: The text; at most ``PASSIVE_LIMIT`` bytes is the caller's concern.
        now: CreateTime; the current time when omitted.

    Returns:
        The XML document.
    """
    created = int(time.time()) if now is None else now
    return (
        f"<xml><ToUserName>{cdata(to_user)}</ToUserName>"
        f"<FromUserName>{cdata(from_user)}</FromUserName>"
        f"<CreateTime>{created}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content>{cdata(content)}</Content></xml>"
    )


def _attribute(value: str) -> str:
    """Makes a value safe inside a double-quoted href."""
    return clean_text(value).replace('"', "%22").replace("<", "%3C").replace(">", "%3E")


def menu_content(title: str) -> str:
    """Makes a title safe as the raw ``msgmenucontent`` of a bizmsgmenu link.

    WeChat shows the value as typed by the user, so it is not percent-encoded;
    characters that would end the attribute or the query are swapped for their
    full-width forms.
    """
    table = str.maketrans({"&": "＆", '"': "＂", "<": "＜", ">": "＞", "#": "＃", "\n": " "})
    return clean_text(title).translate(table).strip()


def _link(url: str, label: str) -> str:
    return f'<a href="{_attribute(url)}">{clean_text(label)}</a>'


@dataclass
class RenderedText:
    """Text for WeChat plus the menu it offers: option id -> payload."""

    text: str
    options: dict[str, str]


class _Renderer:
    def __init__(self, language: str | None, style: str, menu_base: int, maps: str) -> None:
        self.language = language
        self.style = style
        self.menu_base = menu_base
        self.maps = maps
        self.options: dict[str, str] = {}

    def button(self, button: Button) -> str:
        if button.url and not button.payload:
            return _link(button.url, button.title)
        number = len(self.options) + 1
        menu_id = str(self.menu_base * 100 + number)
        self.options[str(number)] = button.payload
        self.options[menu_id] = button.payload
        if self.style == "numbered":
            return f"{number}. {clean_text(button.title)}"
        content = menu_content(button.title)
        href = f"weixin://bizmsgmenu?msgmenucontent={content}&msgmenuid={menu_id}"
        return f"{number}. {_link(href, button.title)}"

    def venue(self, venue: Venue) -> list[str]:
        lines = [f"📍 {venue.title}" if venue.title else "📍"]
        if venue.address:
            lines.append(venue.address)
        lines.append(_link(map_url(venue, self.maps), say("map_link", self.language)))
        return lines

    def card(self, card: Card) -> list[str]:
        lines = [f"【{card.title}】"]
        if card.description:
            lines.append(card.description)
        if card.url:
            lines.append(_link(card.url, say("open_link", self.language)))
        if card.image:
            lines.append(_link(card.image, say("image_link", self.language)))
        if card.venue:
            lines.extend(
                self.venue(card.venue)[1:]
                if card.venue.title == card.title
                else self.venue(card.venue)
            )
        lines.extend(self.button(b) for b in card.buttons)
        return lines

    def message(self, message: BotMessage) -> str:
        lines: list[str] = [message.text] if message.text else []
        if message.image:
            lines.append(_link(message.image, say("image_link", self.language)))
        if message.attachment:
            lines.append(_link(message.attachment, say("open_link", self.language)))
        if message.venue:
            lines.extend(self.venue(message.venue))
        for card in message.cards:
            lines.extend(self.card(card))
        lines.extend(self.button(b) for b in message.buttons)
        return "\n".join(clean_text(line) for line in lines)


def render_messages(
    messages: list[BotMessage],
    language: str | None,
    style: str = "links",
    menu_base: int = 1,
    maps: str = "amap",
) -> RenderedText:
    """Renders bot messages as one WeChat text.

    Args:
        messages: The bot's messages, in order.
        language: Language of the connector's own labels ("查看地图").
        style: "links" (bizmsgmenu links) or "numbered" (plain numbered options).
        menu_base: Makes this reply's bizmsgmenu ids unique (id = base * 100 + n).
        maps: Map provider for venue links.

    Returns:
        The text (messages separated by a blank line) and its options; option keys
        are both the number shown ("1") and the bizmsgmenu id.
    """
    renderer = _Renderer(language, style, menu_base, maps)
    parts = [renderer.message(m) for m in messages]
    return RenderedText("\n\n".join(p for p in parts if p.strip()), renderer.options)


def welcome_buttons(language: str | None, topics: tuple[tuple[str, str], ...]) -> list[Button]:
    """The topic buttons offered on subscribe, labelled in ``language`` (both when None)."""
    return [
        Button(title=say(label, language).replace("\n", " / "), payload=payload)
        for label, payload in topics
    ]


def fits_passive(text: str) -> bool:
    """Tells whether a text fits one passive reply."""
    return utf8_len(text) <= PASSIVE_LIMIT


def split_for_customer_service(text: str) -> list[str]:
    """Splits a long text into customer-service messages of at most 2048 bytes."""
    return split_text(text, CUSTOMER_SERVICE_LIMIT, utf8_len)
