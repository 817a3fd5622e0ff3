"""Reading credentials.yml sections; the generator that decides which channels `make run` serves."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.server import credentials as generator
from channels.common.config import optional_float, required_str
from channels.common.errors import ChannelConfigError
from harness.project import ROOT


def test_config_helpers_fail_loudly() -> None:
    with pytest.raises(ChannelConfigError, match="set X_TOKEN"):
        required_str({"token": "  "}, "token", "X_TOKEN")
    with pytest.raises(ChannelConfigError):
        optional_float({"budget": "soon"}, "budget", 4.0, 0.1, 4.8)
    with pytest.raises(ChannelConfigError):
        optional_float({"budget": "9"}, "budget", 4.0, 0.1, 4.8)
    assert optional_float({"budget": ""}, "budget", 4.0, 0.1, 4.8) == 4.0


def template() -> dict:
    with open(ROOT / "credentials.yml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def test_credentials_template_registers_rest_and_the_three_connectors() -> None:
    data = template()
    assert "channels.rest.RestInput" in data
    for channel, required in generator.REQUIRED.items():
        assert channel in data
        referenced = {v for value in data[channel].values() for v in generator.variables(value)}
        assert set(required) <= referenced
    assert set(generator.REQUIRED) == {
        "channels.wechat.WeChatInput",
        "channels.kakao.KakaoInput",
        "channels.telegram.TelegramInput",
    }


def test_generator_enables_only_channels_whose_variables_are_set() -> None:
    env = {"KAKAO_SKILL_SECRET": "s", "TELEGRAM_TOKEN": "", "WECHAT_AES_KEY": "x"}
    credentials, notes = generator.effective_credentials(template(), env)
    assert set(credentials) == {"channels.rest.RestInput", "channels.kakao.KakaoInput"}
    assert credentials["channels.kakao.KakaoInput"] == {"skill_secret": "${KAKAO_SKILL_SECRET}"}
    assert any("skipped channels.telegram.TelegramInput" in n for n in notes)


def test_generator_refuses_a_partly_configured_channel() -> None:
    with pytest.raises(generator.IncompleteChannelError, match="TELEGRAM_SECRET_TOKEN"):
        generator.effective_credentials(template(), {"TELEGRAM_TOKEN": "1:a"})


def test_generated_file_loads_in_rasa_with_the_secrets_from_the_environment(
    tmp_path: Path, monkeypatch: Any
) -> None:
    from rasa.shared.utils.common import class_from_module_path
    from rasa.shared.utils.io import read_config_file

    env = {
        "WECHAT_TOKEN": "wx-token-9f8e7d",
        "WECHAT_APPID": "wx1",
        "WECHAT_APPSECRET": "sec",
        "WECHAT_REPLY_BUDGET": "3",
        "KAKAO_SKILL_SECRET": "kk",
        "TELEGRAM_TOKEN": "1:a",
        "TELEGRAM_SECRET_TOKEN": "tt",
    }
    for name in [n for n in os.environ if n.startswith(("WECHAT_", "KAKAO_", "TELEGRAM_"))]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    output = tmp_path / "credentials.effective.yml"
    assert (
        generator.main(["--template", str(ROOT / "credentials.yml"), "--output", str(output)]) == 0
    )
    assert "wx-token-9f8e7d" not in output.read_text(encoding="utf-8")
    # What rasa.core.run.create_http_input_channels does, without importing the whole server.
    loaded = read_config_file(str(output))
    assert set(loaded) == {"channels.rest.RestInput", *generator.REQUIRED}
    by_name = {}
    for path, section in loaded.items():
        channel = class_from_module_path(path).from_credentials(section)
        by_name[channel.name()] = channel
    assert set(by_name) == {"rest", "wechat", "kakao", "telegram"}
    assert by_name["wechat"].settings.token == "wx-token-9f8e7d"
    assert by_name["wechat"].settings.reply_budget == 3.0
    assert by_name["kakao"].settings.skill_secret == "kk"
    assert by_name["telegram"].settings.secret_token == "tt"
    monkeypatch.setenv("TELEGRAM_SECRET_TOKEN", "")
    assert (
        generator.main(["--template", str(ROOT / "credentials.yml"), "--output", str(output)]) == 2
    )


@pytest.mark.parametrize(
    "channel, variable, default",
    [
        ("channels.wechat.WeChatInput", "WECHAT_MAP_PROVIDER", "amap"),
        ("channels.kakao.KakaoInput", "KAKAO_MAP_PROVIDER", "google"),
        ("channels.telegram.TelegramInput", "TELEGRAM_MAP_PROVIDER", "google"),
    ],
)
def test_map_provider_is_an_optional_key_of_every_connector(
    channel: str, variable: str, default: str
) -> None:
    from rasa.shared.utils.common import class_from_module_path

    section = template()[channel]
    assert section["map_provider"] == f"${{{variable}}}"
    required = {name: "x" for name in generator.REQUIRED[channel]}
    if channel == "channels.telegram.TelegramInput":
        required["TELEGRAM_TOKEN"] = "1:a"
    unset, _ = generator.effective_credentials(template(), required)
    assert "map_provider" not in unset[channel]
    chosen, _ = generator.effective_credentials(template(), {**required, variable: "amap"})
    assert chosen[channel]["map_provider"] == f"${{{variable}}}"
    # The values Rasa hands from_credentials once it has expanded the variables:
    values = {key: required.get(generator.variables(v)[0], "") for key, v in unset[channel].items()}
    channel_class = class_from_module_path(channel)
    assert channel_class.from_credentials(values).settings.map_provider == default
    values["map_provider"] = "amap" if default == "google" else "google"
    assert channel_class.from_credentials(values).settings.map_provider == values["map_provider"]
    with pytest.raises(ChannelConfigError, match="map_provider"):
        channel_class.from_credentials({**values, "map_provider": "baidu"})


def test_no_connector_reads_the_environment_itself() -> None:
    """Settings come from bot.settings; secrets from credentials.yml (or channel_secrets)."""
    readers = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "channels").rglob("*.py"))
        if any(word in path.read_text(encoding="utf-8") for word in ("os.environ", "getenv"))
    ]
    assert readers == []
