"""The request builders against the connectors' own checks, and wechatpy against them."""

import json

import pytest
from wechatpy.crypto import WeChatCrypto

from channels.wechat import parse
from harness import requests, wechat
from harness.secrets import Secrets

SECRETS = Secrets()


def test_a_sealed_wechat_message_opens_with_the_connectors_own_code() -> None:
    request = requests.wechat_text(SECRETS, "oUser", "西塔 ]]> 美食节", 42, "nonce1", 1_750_000_000)
    outer = parse.parse_xml(request.body)
    parse.verify_signature(
        SECRETS.wechat_token, request.params["signature"], "1750000000", "nonce1"
    )
    parse.verify_signature(
        SECRETS.wechat_token,
        request.params["msg_signature"],
        "1750000000",
        "nonce1",
        outer["Encrypt"],
    )
    key = parse.decode_aes_key(SECRETS.wechat_aes_key)
    inner = parse.parse_xml(parse.decrypt(outer["Encrypt"], key, SECRETS.wechat_appid))
    assert inner["Content"] == "西塔 ]]> 美食节" and inner["MsgId"] == "42"
    assert request.url_path == "/webhooks/wechat/webhook"


def test_a_plain_mode_message_carries_only_the_signature() -> None:
    request = requests.wechat_plain_text(SECRETS, "oUser", "你好", 7, "nonce2", 1_750_000_000)
    assert "encrypt_type" not in request.params and "msg_signature" not in request.params
    signature = request.params["signature"]
    parse.verify_signature(SECRETS.wechat_token, signature, "1750000000", "nonce2")
    assert parse.parse_xml(request.body)["Content"] == "你好"


def test_the_same_arguments_give_the_same_envelope_and_a_new_nonce_another() -> None:
    first = requests.wechat_text(SECRETS, "oUser", "你好", 1, "nonceA", 1_750_000_000)
    again = requests.wechat_text(SECRETS, "oUser", "你好", 1, "nonceA", 1_750_000_000)
    other = requests.wechat_text(SECRETS, "oUser", "你好", 1, "nonceB", 1_750_000_000)
    assert first == again and first.body != other.body


def test_bytes_that_are_not_utf8_are_sealed_as_they_are() -> None:
    key = wechat.aes_key(SECRETS.wechat_aes_key)
    envelope = wechat.seal(b"\xff\xfe", key, SECRETS.wechat_appid, b"salt")
    with pytest.raises(parse.BadRequest):
        parse.decrypt(envelope, key, SECRETS.wechat_appid)  # sealed fine, refused as not UTF-8


def test_a_reply_sealed_by_wechatpy_opens_and_a_tampered_one_does_not() -> None:
    crypto = WeChatCrypto(SECRETS.wechat_token, SECRETS.wechat_aes_key, SECRETS.wechat_appid)
    reply = "<xml><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[好的]]></Content></xml>"
    sealed = crypto.encrypt_message(reply, "nonce3", "1750000000").encode("utf-8")
    opened = wechat.open_reply(
        sealed, SECRETS.wechat_token, SECRETS.wechat_aes_key, SECRETS.wechat_appid
    )
    assert opened["Content"] == "好的"
    with pytest.raises(ValueError):
        wechat.open_reply(sealed, "another-token", SECRETS.wechat_aes_key, SECRETS.wechat_appid)
    with pytest.raises(ValueError):
        wechat.open_reply(
            reply.encode(), SECRETS.wechat_token, SECRETS.wechat_aes_key, SECRETS.wechat_appid
        )
    with pytest.raises(ValueError):
        wechat.open_reply(b"success", SECRETS.wechat_token, SECRETS.wechat_aes_key, "wx")


def test_kakao_telegram_and_rest_requests_carry_their_credentials() -> None:
    kakao = requests.kakao_text(SECRETS, "user-1", "안녕하세요", "http://127.0.0.1:9/cb")
    body = json.loads(kakao.body)
    assert kakao.headers["X-Skill-Secret"] == SECRETS.kakao_secret
    assert body["userRequest"]["utterance"] == "안녕하세요"
    assert body["userRequest"]["user"]["id"] == "user-1"
    assert body["userRequest"]["callbackUrl"] == "http://127.0.0.1:9/cb"
    telegram = requests.telegram_text(SECRETS, 5, 42, "你好", "zh")
    assert telegram.headers["X-Telegram-Bot-Api-Secret-Token"] == SECRETS.telegram_secret
    update = json.loads(telegram.body)
    assert update["update_id"] == 5 and update["message"]["chat"]["id"] == 42
    rest = requests.rest_text("visitor", "你好")
    assert json.loads(rest.body) == {"sender": "visitor", "message": "你好"}
    assert [r.url_path for r in (kakao, telegram, rest)] == [
        "/webhooks/kakao/webhook",
        "/webhooks/telegram/webhook",
        "/webhooks/rest/webhook",
    ]


def test_the_secrets_switch_every_channel_on_and_are_all_searched_for() -> None:
    variables = SECRETS.environment()
    assert set(variables) >= {"WECHAT_TOKEN", "KAKAO_SKILL_SECRET", "TELEGRAM_SECRET_TOKEN"}
    searched = SECRETS.searched()
    assert set(variables.values()) <= set(searched.values())
    assert searched["TELEGRAM_TOKEN (secret part)"] not in SECRETS.telegram_token.split(":")[0]
    assert Secrets(**SECRETS.as_json()) == SECRETS
