"""Fix 4 of the Rasa server: serving without TensorFlow (bot.server.lean_imports).

(a) Rasa's installed source imports from the stand-in modules only the names the
stand-ins hold; (b) the real server answers without TensorFlow or matplotlib
mapped into its memory; (c) real use loads the real modules, and Rasa's channels
we do not serve load only when used; (d) training, ``--enable-api`` and a
TensorFlow model keep Rasa's own imports.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import tarfile
import textwrap
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.stock import rasa_package_file
from bot.server.lean_imports import (
    CHANNEL_STAND_INS,
    CONSOLE_STAND_IN,
    STAND_INS,
    model_needs_tensorflow,
    wanted,
)
from harness.ports import free_port
from harness.project import ROOT

MODEL = ROOT / "models" / "korea-week.tar.gz"
# Modules that load only together with the real ones (they import TensorFlow themselves).
LOADED_WITH_THE_REAL_ONES = (
    "rasa.utils.tensorflow.",
    "rasa.nlu.classifiers.diet_classifier",
    "rasa.nlu.selectors.response_selector",
    "rasa.core.policies.ted_policy",
    "rasa.core.policies.unexpected_intent_policy",
)
HEAVY = ("/tensorflow/", "/jaxlib/", "/matplotlib/")


def _module_level_imports(tree: ast.Module) -> Iterator[ast.ImportFrom]:
    """``from … import`` statements that run at import (not inside functions or classes)."""
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.ImportFrom):
            yield node
        elif isinstance(node, (ast.If, ast.Try, ast.With)):
            for field in ("body", "orelse", "finalbody", "handlers"):
                pending.extend(getattr(node, field, []))
        elif isinstance(node, ast.ExceptHandler):
            pending.extend(node.body)


def test_rasa_imports_from_the_stand_in_modules_only_the_names_they_hold() -> None:
    package = rasa_package_file()
    held = {
        **{module: set(names) for module, names in STAND_INS.items()},
        **{
            module: set(classes)
            for module, classes in {**CHANNEL_STAND_INS, **CONSOLE_STAND_IN}.items()
        },
    }
    seen = set()
    for path in package.rglob("*.py"):
        importer = "rasa." + ".".join(path.relative_to(package).with_suffix("").parts)
        if importer.startswith(LOADED_WITH_THE_REAL_ONES):
            continue
        for node in _module_level_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if node.module in held:
                names = {alias.name for alias in node.names}
                assert names <= held[node.module], (importer, node.module, names)
                seen |= {(node.module, name) for name in names}
    # The scan found the imports it exists for (a renamed folder would make it vacuous).
    assert ("rasa.utils.tensorflow.callback", "RasaTrainingLogger") in seen
    assert ("rasa.core.policies.ted_policy", "TEDPolicy") in seen
    assert ("rasa.core.channels.telegram", "TelegramInput") in seen


def _run_python(code: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_real_use_loads_the_real_modules() -> None:
    out = _run_python(
        """
        import sys
        from bot.server import lean_imports
        lean_imports.install()
        from rasa.graph_components.validators import default_recipe_validator as validator
        import rasa.utils.train_utils as train_utils
        diet = validator.DIETClassifier
        print("stand-in", "tensorflow" in sys.modules, diet.__name__, diet in {diet})
        print("checks", issubclass(int, diet), isinstance(3, validator.TEDPolicy))
        try:
            class Mine(validator.TEDPolicy):
                pass
        except TypeError as error:
            print("subclass", "KW_LEAN_IMPORTS=off" in str(error))
        config = diet.get_default_config()
        from rasa.nlu.classifiers.diet_classifier import DIETClassifier
        print("real", "tensorflow" in sys.modules, lean_imports.installed())
        same = config == DIETClassifier.get_default_config()
        print("same", same, issubclass(DIETClassifier, diet))
        logger = train_utils.RasaTrainingLogger
        print("logger", logger.__module__, callable(train_utils.RasaModelCheckpoint))
        from rasa.core.policies.unexpected_intent_policy import UnexpecTEDIntentPolicy
        from rasa.core.policies.ted_policy import TEDPolicy
        print("unexpected", issubclass(UnexpecTEDIntentPolicy, TEDPolicy))
        """
    ).split("\n")
    assert out[0] == "stand-in False DIETClassifier True"
    assert out[1] == "checks False False"
    assert out[2] == "subclass True"
    assert out[3] == "real True False"
    assert out[4] == "same True True"
    assert out[5] == "logger rasa.utils.tensorflow.callback True"
    assert out[6] == "unexpected True"


CHANNEL_CHECK = """
    import sys
    from bot.server import lean_imports
    if sys.argv[-1] == "lean":
        lean_imports.install(console=True)
    import rasa.core.run, rasa.server
    from rasa.core.channels import BUILTIN_CHANNELS
    libraries = (
        "aiogram", "socketio", "slack_sdk", "webexteamssdk", "twilio", "questionary", "setuptools"
    )
    print("names", ",".join(f"{k}={v.name()}" for k, v in sorted(BUILTIN_CHANNELS.items())))
    print("loaded", ",".join(m for m in libraries if m in sys.modules))
    channel = BUILTIN_CHANNELS["socketio"].from_credentials(None)
    print("used", type(channel).__module__, channel.name(), "socketio" in sys.modules)
    print("others", "aiogram" in sys.modules, isinstance(channel, BUILTIN_CHANNELS["socketio"]))
    """


def test_rasa_channels_we_do_not_serve_load_only_when_used() -> None:
    lean = _run_python(CHANNEL_CHECK, "lean").split("\n")
    stock = _run_python(CHANNEL_CHECK, "stock").split("\n")
    assert lean[0] == stock[0] and "telegram=telegram" in lean[0]
    assert lean[1] == "loaded "
    assert stock[1] == (
        "loaded aiogram,socketio,slack_sdk,webexteamssdk,twilio,questionary,setuptools"
    )
    assert lean[2] == stock[2] == "used rasa.core.channels.socketio socketio True"
    assert lean[3] == "others False True"


def test_an_unknown_name_loads_the_real_module() -> None:
    out = _run_python(
        """
        import sys
        from bot.server import lean_imports
        lean_imports.install()
        from rasa.core.policies.ted_policy import TEDPolicy, TED
        print("tensorflow" in sys.modules, TED.__name__)
        """
    )
    assert out.split() == ["True", "TED"]


def _tensorflow_model(folder: Path) -> Path:
    """Our model's metadata with its classifier swapped for DIET, as an archive."""
    with tarfile.open(MODEL, "r:gz") as tar:
        member = next(m for m in tar if m.name.endswith("metadata.json"))
        handle = tar.extractfile(member)
        assert handle is not None
        metadata = json.load(handle)
    for node in metadata["predict_schema"]["nodes"].values():
        if node["uses"].endswith("ArrayLogisticRegressionClassifier"):
            node["uses"] = "rasa.nlu.classifiers.diet_classifier.DIETClassifier"
    (folder / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    archive = folder / "diet.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(folder / "metadata.json", arcname="metadata.json")
    return archive


def test_only_serving_a_model_without_tensorflow_components_gets_the_stand_ins(tmp_path) -> None:
    served = ["run", "--model", str(MODEL)]
    assert not model_needs_tensorflow(MODEL)
    assert wanted(served, enabled=True)
    assert wanted(["shell", f"--model={MODEL}"], enabled=True)
    assert not wanted(served, enabled=False)
    assert not wanted([*served, "--enable-api"], enabled=True)
    assert not wanted(["train", "--data", "nlu_data"], enabled=True)
    assert not wanted(["run", "--model", str(_tensorflow_model(tmp_path))], enabled=True)
    assert not wanted(["run", "--model", str(tmp_path / "missing.tar.gz")], enabled=True)


def _serve(folder: Path, *extra: str, lean: str = "on") -> tuple[subprocess.Popen, int]:
    port = free_port()
    credentials = folder / "credentials.yml"
    credentials.write_text("rest:\n", encoding="utf-8")
    log = open(folder / f"rasa-{port}.log", "w", encoding="utf-8")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.server.rasa_server", "run", "--model", str(MODEL)]
        + ["--credentials", str(credentials), "--port", str(port), *extra],
        cwd=ROOT,
        env={**os.environ, "KW_LEAN_IMPORTS": lean},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    return process, port


def _first_answer(process: subprocess.Popen, port: int) -> list[dict]:
    body = json.dumps({"sender": "lean-test", "message": "跆拳道在哪里"}).encode()
    deadline = time.monotonic() + 240
    while True:
        assert process.poll() is None, "the Rasa server stopped"
        try:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/webhooks/rest/webhook", data=body
            )
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read())
        except OSError:
            assert time.monotonic() < deadline, "no answer within 240 s"
            time.sleep(0.5)


def _mapped(pid: int) -> set[str]:
    maps = Path(f"/proc/{pid}/maps").read_text(encoding="utf-8")
    return {heavy for heavy in HEAVY if heavy in maps}


@pytest.mark.parametrize(
    ("extra", "lean", "expected"),
    [
        ((), "on", set()),
        (("--enable-api",), "on", {"/tensorflow/"}),
        ((), "off", {"/tensorflow/"}),
    ],
    ids=["lean", "enable-api", "switched-off"],
)
def test_the_served_model_answers_without_tensorflow_only_when_lean(
    tmp_path, extra, lean, expected
) -> None:
    process, port = _serve(tmp_path, *extra, lean=lean)
    try:
        _first_answer(process, port)
        mapped = _mapped(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert expected <= mapped
    if not expected:
        assert mapped == set(), "TensorFlow, jax or matplotlib loaded while serving lean"
