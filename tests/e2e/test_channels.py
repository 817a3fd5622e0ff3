"""End to end through `make run`'s server (python -m bot.server): all channels, real model, actions.

The assistant runs as `make run` runs it, with the three platform channels enabled
through their environment variables; the Telegram Bot API and WeChat's API are
local fake servers on 127.0.0.1.
"""

from __future__ import annotations

import copy
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator

import pytest
import requests
import xmltodict
from wechatpy.crypto import WeChatCrypto

from harness.background import Platforms
from harness.ports import free_port
from harness.project import FIXED_NOW, MODEL, ROOT
from harness.wechat import sign
from tests.support.agent import assert_language
from tests.support.channels import fixture_json, fixture_text
from tests.support.kakao_schema import assert_valid_skill_response

WECHAT_TOKEN = "e2eToken"
WECHAT_APPID = "wx0123456789abcdef"
WECHAT_AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
KAKAO_SECRET = "kakao-e2e-secret"
TELEGRAM_TOKEN = "123456:TEST-token"
TELEGRAM_SECRET = "tg-e2e-secret"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, Platforms]]:
    assert MODEL.exists(), "make test trains the model before running pytest"
    port, actions_port = free_port(), free_port()
    with Platforms(TELEGRAM_TOKEN) as fakes:
        env = {
            **os.environ,
            "KW_PORT": str(port),
            "KW_ACTIONS_PORT": str(actions_port),
            "KW_NOW": FIXED_NOW,
            "KW_ENDPOINTS": str(write_endpoints(tmp_path_factory.mktemp("e2e"), actions_port)),
            "LOG_LEVEL": "WARNING",
            "WECHAT_TOKEN": WECHAT_TOKEN,
            "WECHAT_APPID": WECHAT_APPID,
            "WECHAT_APPSECRET": "s3cret",
            "WECHAT_AES_KEY": WECHAT_AES_KEY,
            "WECHAT_API_BASE_URL": fakes.urls["wechat"],
            "KAKAO_SKILL_SECRET": KAKAO_SECRET,
            "TELEGRAM_TOKEN": TELEGRAM_TOKEN,
            "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET,
            "TELEGRAM_API_BASE_URL": fakes.urls["telegram"],
        }
        env.pop("REDIS_URL", None)
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.server"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        banner = []
        deadline = time.monotonic() + 240
        try:
            for line in process.stdout:  # type: ignore[union-attr]
                banner.append(line)
                if "Press Ctrl-C" in line or time.monotonic() > deadline:
                    break
            output = "".join(banner)
            assert "Press Ctrl-C" in output, output[-3000:]
            for name in ("rest", "wechat", "kakao", "telegram"):
                assert f"/webhooks/{name}/webhook" in output
            threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()
            yield f"http://127.0.0.1:{port}", fakes
        finally:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        assert process.returncode == 0, "Ctrl-C stops both processes cleanly"


def write_endpoints(folder, actions_port: int):
    path = folder / "endpoints.yml"
    path.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n', encoding="utf-8"
    )
    return path


def wechat_safe_request(text: str, msg_id: str) -> tuple[str, dict[str, str]]:
    xml = (
        fixture_text("wechat", "text.xml")
        .replace("美食节在哪里？", text)
        .replace("24712345678901234", msg_id)
    )
    nonce, timestamp = uuid.uuid4().hex[:10], str(int(time.time()))
    crypto = WeChatCrypto(WECHAT_TOKEN, WECHAT_AES_KEY, WECHAT_APPID)
    encrypt = xmltodict.parse(crypto.encrypt_message(xml, nonce, timestamp))["xml"]["Encrypt"]
    body = (
        "<xml><ToUserName><![CDATA[gh_3a8f5c1d2e4b]]></ToUserName>"
        f"<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
    )
    params = {
        "signature": sign(WECHAT_TOKEN, timestamp, nonce),
        "timestamp": timestamp,
        "nonce": nonce,
        "openid": "oE2E",
        "encrypt_type": "aes",
        "msg_signature": sign(WECHAT_TOKEN, timestamp, nonce, encrypt),
    }
    return body, params


def test_wechat_safe_mode_chinese_question_gets_chinese_xml(server) -> None:
    base, _ = server
    body, params = wechat_safe_request("西塔美食节几点开始", "9000000000000001")
    started = time.monotonic()
    reply = requests.post(
        f"{base}/webhooks/wechat/webhook", data=body.encode(), params=params, timeout=10
    )
    elapsed = time.monotonic() - started
    assert reply.status_code == 200 and elapsed < 5
    envelope = xmltodict.parse(reply.text)["xml"]
    crypto = WeChatCrypto(WECHAT_TOKEN, WECHAT_AES_KEY, WECHAT_APPID)
    plain = crypto.decrypt_message(
        reply.text, envelope["MsgSignature"], envelope["TimeStamp"], envelope["Nonce"]
    )
    content = xmltodict.parse(plain)["xml"]["Content"]
    assert_language(content, "zh")
    assert "美食节" in content


def test_wechat_duplicate_delivery_gets_one_answer(server) -> None:
    base, fakes = server
    answers = []
    for _ in range(3):  # WeChat retries the same MsgId
        body, params = wechat_safe_request("跆拳道在哪里", "9000000000000002")
        reply = requests.post(
            f"{base}/webhooks/wechat/webhook", data=body.encode(), params=params, timeout=10
        )
        assert reply.status_code == 200
        if reply.text not in ("", "success"):
            answers.append(reply.text)
    time.sleep(1)
    async_answers = [m for m in fakes.wechat.messages if m.get("touser") == "oE2E"]
    assert len(answers) + len(async_answers) == 1


def test_wechat_bad_signature_is_403(server) -> None:
    base, _ = server
    body, params = wechat_safe_request("你好", "9000000000000003")
    params["msg_signature"] = "0" * 40
    assert (
        requests.post(
            f"{base}/webhooks/wechat/webhook", data=body.encode(), params=params, timeout=10
        ).status_code
        == 403
    )


def test_kakao_korean_question_gets_korean_simple_text_with_quick_replies(server) -> None:
    base, _ = server
    request = fixture_json("kakao", "skill_request.json")
    request["userRequest"]["utterance"] = "안녕하세요"
    reply = requests.post(
        f"{base}/webhooks/kakao/webhook",
        json=request,
        headers={"X-Skill-Secret": KAKAO_SECRET},
        timeout=10,
    )
    assert reply.status_code == 200
    answer = reply.json()
    assert answer["version"] == "2.0"
    assert_valid_skill_response(answer)
    text = answer["template"]["outputs"][0]["simpleText"]["text"]
    assert_language(text, "ko")
    labels = [q["label"] for q in answer["template"]["quickReplies"]]
    assert labels and all(len(label) <= 14 for label in labels)
    for label in labels:
        assert_language(label, "ko")


def test_kakao_wrong_secret_is_403(server) -> None:
    base, _ = server
    request = fixture_json("kakao", "skill_request.json")
    reply = requests.post(
        f"{base}/webhooks/kakao/webhook",
        json=request,
        headers={"X-Skill-Secret": "nope"},
        timeout=10,
    )
    assert reply.status_code == 403


def _wait_for(predicate, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_telegram_update_gets_send_message_with_inline_keyboard(server) -> None:
    base, fakes = server
    update = copy.deepcopy(fixture_json("telegram", "message_text_ko.json"))
    update["update_id"] = 990001
    update["message"]["text"] = "안녕하세요"
    headers = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
    for _ in range(2):  # a duplicated delivery
        reply = requests.post(
            f"{base}/webhooks/telegram/webhook", json=update, headers=headers, timeout=10
        )
        assert reply.status_code == 200
    chat = update["message"]["chat"]["id"]

    def sent() -> list[dict]:
        return [p for p in fakes.telegram.sent("sendMessage") if int(p["chat_id"]) == chat]

    assert _wait_for(lambda: sent())
    time.sleep(1.5)
    messages = sent()
    assert len(messages) == 1, "the duplicated update is answered once"
    assert_language(messages[0]["text"], "ko")
    markup = messages[0]["reply_markup"]
    markup = json.loads(markup) if isinstance(markup, str) else markup
    assert markup["inline_keyboard"]


def test_telegram_wrong_secret_is_403(server) -> None:
    base, _ = server
    update = fixture_json("telegram", "message_text_ko.json")
    reply = requests.post(
        f"{base}/webhooks/telegram/webhook",
        json=update,
        headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"},
        timeout=10,
    )
    assert reply.status_code == 403


def test_rest_channel_answers_in_the_askers_language(server) -> None:
    base, _ = server
    reply = requests.post(
        f"{base}/webhooks/rest/webhook",
        json={"sender": "e2e-rest", "message": "오늘 저녁 뭐 해요"},
        timeout=10,
    )
    assert reply.status_code == 200 and reply.json()
    for message in reply.json():
        if message.get("text"):
            assert_language(message["text"], "ko")
