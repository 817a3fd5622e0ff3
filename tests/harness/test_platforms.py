import requests

from harness.background import Background, Platforms
from harness.platforms import serve_aiohttp


def test_the_fake_platforms_answer_from_the_background_and_record_what_they_got() -> None:
    with Platforms("123:token") as platforms:
        sent = requests.post(
            platforms.urls["telegram"] + "123:token/sendMessage",
            json={"chat_id": 42, "text": "你好"},
            timeout=5,
        )
        assert sent.json()["ok"] and platforms.telegram_texts(42) == ["你好"]
        refused = requests.post(platforms.urls["telegram"] + "999:other/getMe", timeout=5)
        assert refused.status_code == 401
        token = requests.get(
            platforms.urls["wechat"] + "token",
            params={"grant_type": "client_credential", "appid": "wx", "secret": "s"},
            timeout=5,
        ).json()["access_token"]
        requests.post(
            platforms.urls["wechat"] + "message/custom/send",
            params={"access_token": token},
            json={"touser": "oUser", "msgtype": "text", "text": {"content": "好的"}},
            timeout=5,
        )
        assert platforms.wechat_texts("oUser") == ["好的"]
        requests.post(platforms.urls["kakao"] + "/callback/t1", json={"version": "2.0"}, timeout=5)
        assert platforms.kakao.posts == [{"version": "2.0"}]


def test_a_background_loop_serves_until_closed() -> None:
    from aiohttp import web

    async def up(request: web.Request) -> web.Response:
        return web.Response(text="up")

    app = web.Application()
    app.router.add_get("/", up)
    background = Background()
    url = background.enter(serve_aiohttp(app))
    assert url.startswith("http://127.0.0.1:") and requests.get(url, timeout=5).text == "up"
    background.close()
    try:
        requests.get(url, timeout=1)
    except requests.ConnectionError:
        pass
    else:
        raise AssertionError("the server still answers after close()")
