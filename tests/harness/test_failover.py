"""The fault test's parts: the failover proxy on real sockets, the conversation, the verdict."""

from __future__ import annotations

import asyncio
import json
import random

import aiohttp
from aiohttp import web

from channels.common.catalog import load_catalog
from harness.failover import (
    OTHER,
    SWITCH,
    Message,
    Step,
    Try,
    classify,
    conversation,
    question_pools,
    reply_script,
)
from harness.failover_verdict import WAIT_BOUND, figures_table, judge, passed
from harness.ports import free_port
from harness.proxy import HEALTH_TIMEOUT, UPSTREAM_HEADER, FailoverProxy


async def _replica(status: int, text: str) -> web.AppRunner:
    async def hook(request: web.Request) -> web.Response:
        body = await request.json()
        return web.json_response([{"text": f"{text}:{body['message']}"}], status=status)

    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="Hello from Rasa")

    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", hook)
    app.router.add_get("/", hello)
    runner = web.AppRunner(app)
    await runner.setup()
    return runner


async def _post(url: str, message: str) -> tuple[int, str, str]:
    async with aiohttp.ClientSession() as session:
        async with session.post(
            url + "/webhooks/rest/webhook", json={"sender": "s", "message": message}
        ) as reply:
            return reply.status, reply.headers.get(UPSTREAM_HEADER, ""), await reply.text()


async def test_the_proxy_passes_refused_and_503_requests_to_the_next_replica() -> None:
    busy, good = await _replica(503, "busy"), await _replica(200, "answer")
    ports = {"refusing": free_port(), "busy": free_port(), "good": free_port()}
    await web.TCPSite(busy, "127.0.0.1", ports["busy"]).start()
    await web.TCPSite(good, "127.0.0.1", ports["good"]).start()
    try:
        async with FailoverProxy(ports, health=False) as proxy:
            replies = [await _post(proxy.url, f"m{n}") for n in range(3)]
        assert [(status, upstream) for status, upstream, _ in replies] == [(200, "good")] * 3
        assert json.loads(replies[2][2]) == [{"text": "answer:m2"}]
        assert proxy.passed_on() == {"refused": 1, "503": 2}  # round robin: each starts one further
    finally:
        await busy.cleanup()
        await good.cleanup()


async def test_the_proxy_sends_nothing_to_a_replica_that_accepts_but_is_not_ready() -> None:
    """A Rasa server loading its model accepts connections (the listen backlog) and is silent."""

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(30)

    loading = await asyncio.start_server(silent, "127.0.0.1", 0)
    good = await _replica(200, "answer")
    ports = {"loading": int(loading.sockets[0].getsockname()[1]), "good": free_port()}
    await web.TCPSite(good, "127.0.0.1", ports["good"]).start()
    try:
        async with FailoverProxy(ports, read_timeout=5.0) as proxy:
            await asyncio.sleep(HEALTH_TIMEOUT + 0.2)  # the first check has found it silent
            assert proxy.healthy == {"loading": False, "good": True}
            replies = [await _post(proxy.url, f"m{n}") for n in range(4)]
        assert {upstream for _, upstream, _ in replies} == {"good"}
        assert not proxy.in_hand.get("loading") and proxy.passed_on() == {}
    finally:
        loading.close()
        await good.cleanup()


async def test_the_proxy_answers_502_when_every_replica_failed() -> None:
    async with FailoverProxy({"a": free_port(), "b": free_port()}) as proxy:
        status, upstream, text = await _post(proxy.url, "hello")
    assert (status, upstream, text) == (502, "", "every replica failed")
    assert proxy.passed_on() == {"refused": 2}


def test_a_reply_is_in_the_script_it_mostly_uses() -> None:
    assert reply_script("네, 이제부터 한국어로 답변해 드릴게요.") == "ko"
    assert reply_script("音乐会需购票（180/280/380元）") == "zh"
    assert reply_script("한중 우호 음악회는 유료(180/280/380위안), 西塔") == "ko"
    assert reply_script("👍 ok") is None


def test_a_conversation_switches_once_and_expects_the_new_language_after() -> None:
    pools = question_pools()
    assert len(pools["zh"]) > 20 and len(pools["ko"]) > 20
    steps = conversation("zh", pools, random.Random(1))
    assert [s.language for s in steps] == ["zh", "zh", "ko", "ko", "ko", "ko"]
    assert steps[2].text == SWITCH["zh"] and reply_script(steps[3].text) is None
    assert len({s.text for s in steps}) == 6, "texts unique within a conversation"
    assert OTHER["ko"] == "zh"


def test_polite_texts_are_not_answers() -> None:
    polite = {load_catalog()["busy"]["ko"]: "busy"}
    body = json.dumps([{"text": load_catalog()["busy"]["ko"]}]).encode()
    assert classify(200, body, polite)[0] == "busy"
    assert classify(200, b'[{"text": "answer"}]', polite) == ("answer", "answer")
    assert classify(502, b"", polite)[0] == "http 502"
    assert classify(200, b"[]", polite)[0] == "empty"


def _message(sender: str, serial: int, text: str, *tries: Try, language: str = "zh") -> Message:
    return Message(sender, serial, Step(text, language), f"{sender}-{serial}", list(tries))


def test_the_verdict_counts_missing_twice_out_of_order_unanswered_and_language() -> None:
    answer = Try(0.0, 0.2, "answer", "B", "好的")
    messages = [
        _message("v", 0, "一", answer),
        _message("v", 1, "二", Try(1.0, 10.0, "timeout"), Try(12.0, 0.3, "answer", "A", "好")),
        _message("v", 2, "三", Try(13.0, 0.1, "error", "A"), Try(14.1, 0.1, "busy", "B")),
        _message("v", 3, "四", Try(15.0, 0.1, "answer", "A", "네"), language="zh"),
        _message("w", 0, "五", answer),
    ]
    stored = {"v": ["一", "三", "二", "二", "四"], "w": []}
    figures = judge(messages, stored, {"refused": 1}, {"fault": 0.5, "restart": 11.0})
    assert (figures["missing"], figures["missing_answered"]) == (1, 1)  # "五" never stored
    assert figures["stored_twice"] == 1 and figures["out_of_order"] == 1  # "二" after "三"
    assert figures["never_answered"] == 1 and figures["wrong_language"] == 1
    assert figures["waits_over_bound"] == 1 and figures["max_wait"] == 11.3 > WAIT_BOUND
    assert figures["restart_first_answer"] == 1.3  # A answered at 12.3 s, restarted at 11 s
    assert not passed(figures)
    assert "**FAIL**" in figures_table({"fault": figures})


def test_a_clean_run_passes() -> None:
    messages = [_message("v", n, t, Try(n, 0.2, "answer", "A", "好")) for n, t in enumerate("一二")]
    figures = judge(messages, {"v": ["一", "二"]})
    assert passed(figures) and figures["restart_first_answer"] is None
    assert "| verdict | pass |" in figures_table({"fault": figures})


async def test_the_proxy_tells_when_a_replica_has_held_a_request_long_enough() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(30)

    slow = await asyncio.start_server(silent, "127.0.0.1", 0)
    ports = {"slow": int(slow.sockets[0].getsockname()[1])}
    try:
        async with FailoverProxy(ports, read_timeout=3.0, health=False) as proxy:
            assert not await proxy.busy("slow", 0.05)
            request = asyncio.ensure_future(_post(proxy.url, "m"))
            assert await proxy.busy("slow", 2.0, held=0.1)
            assert proxy.held("slow") >= 0.1
            request.cancel()
        await asyncio.gather(request, return_exceptions=True)
    finally:
        slow.close()
