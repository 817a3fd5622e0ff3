"""Serving without TensorFlow: light stand-ins for the Rasa modules that pull it in.

Our pipeline and policies use no TensorFlow component, yet ``rasa run`` imports
TensorFlow (with Keras, jax and tensorboard) through two chains (issue 13):
``rasa.utils.train_utils`` imports the training callbacks and batch generator, and
``DefaultV1RecipeValidator`` imports DIETClassifier, ResponseSelector and TEDPolicy
only to name them in sets. ``rasa.nlu.test`` (imported by ``rasa.server``) also
brings matplotlib through ``rasa.utils.plotting``.

An import hook supplies a stand-in for each of those modules, holding only the names
other Rasa modules import from it at module level (a test scans Rasa's source so an
upgrade that adds one fails). Any real use — calling a stand-in, reading one of its
attributes, importing a name the stand-in does not hold — loads the real modules
(one warning) and hands the call on, so nothing breaks, it only gets slower.
Nothing can be a subclass or instance of a class whose module was never loaded, so
``issubclass``/``isinstance`` answer False without loading; subclassing a stand-in
fails loudly, unless the real modules are loaded by then (then the real class is
subclassed).

The same hook supplies stand-ins for Rasa's built-in channels we never serve (ours
live in ``channels/``): ``rasa.core.channels`` imports all of them to list them by
name, which brings aiogram, python-socketio, slack_sdk, webexteamssdk, twilio and
google's client libraries (about 400 modules, 15 MiB), and, for ``run`` only, the
console channel (questionary and prompt_toolkit). A channel stand-in answers its
class's ``name()``; any other use loads that one channel's real module. And
``import distutils`` (Sanic's ``strtobool``) gets Python's own module, not
setuptools' copy, which setuptools' start-up shim would load with all of
setuptools (about 80 modules, ~4 MiB).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import json
import logging
import sys
import tarfile
import types
from collections.abc import Sequence
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

# Module -> the names other modules import from it at module level.
STAND_INS: dict[str, tuple[str, ...]] = {
    "rasa.utils.tensorflow.callback": ("RasaTrainingLogger", "RasaModelCheckpoint"),
    "rasa.utils.tensorflow.data_generator": ("RasaBatchDataGenerator",),
    "rasa.nlu.classifiers.diet_classifier": ("DIETClassifier",),
    "rasa.nlu.selectors.response_selector": ("ResponseSelector",),
    "rasa.core.policies.ted_policy": ("TEDPolicy",),
    "rasa.utils.plotting": (),
}

# Rasa's built-in channel modules we do not serve -> {class: its channel name}.
CHANNEL_STAND_INS: dict[str, dict[str, str]] = {
    "rasa.core.channels.socketio": {"SocketIOInput": "socketio"},
    "rasa.core.channels.facebook": {"FacebookInput": "facebook"},
    "rasa.core.channels.slack": {"SlackInput": "slack"},
    "rasa.core.channels.telegram": {"TelegramInput": "telegram"},
    "rasa.core.channels.mattermost": {"MattermostInput": "mattermost"},
    "rasa.core.channels.twilio": {"TwilioInput": "twilio"},
    "rasa.core.channels.twilio_voice": {"TwilioVoiceInput": "twilio_voice"},
    "rasa.core.channels.rocketchat": {"RocketChatInput": "rocketchat"},
    "rasa.core.channels.webexteams": {"WebexTeamsInput": "webexteams"},
    "rasa.core.channels.hangouts": {"HangoutsInput": "hangouts"},
}
# ``rasa shell`` talks through it, so only ``run`` gets this stand-in.
CONSOLE_STAND_IN: dict[str, dict[str, str]] = {
    "rasa.core.channels.console": {"CmdlineInput": "cmdline"},
}

# Components that need TensorFlow: a model using one is served the stock way.
TENSORFLOW_COMPONENTS = (
    "rasa.nlu.classifiers.diet_classifier.",
    "rasa.nlu.selectors.response_selector.",
    "rasa.core.policies.ted_policy.",
    "rasa.core.policies.unexpected_intent_policy.",
    "rasa.nlu.featurizers.dense_featurizer.lm_featurizer.",
    "rasa.nlu.featurizers.dense_featurizer.convert_featurizer.",
)

_state: dict[str, Any] = {"real": False, "channels": {}}


def load_real(reason: str) -> None:
    """Stops supplying the TensorFlow stand-ins and drops them, so imports get the real modules."""
    if _state["real"]:
        return
    _state["real"] = True
    for name in STAND_INS:
        if isinstance(sys.modules.get(name), _StandInModule):
            del sys.modules[name]
    logger.warning("Loading the real %s (and TensorFlow): %s", ", ".join(STAND_INS), reason)


def _real_module(name: str, reason: str) -> types.ModuleType:
    if name in STAND_INS:
        load_real(reason)
    elif _state["channels"].pop(name, None) is not None:
        if isinstance(sys.modules.get(name), _StandInModule):
            del sys.modules[name]
        logger.warning("Loading Rasa's %s: %s", name, reason)
    return importlib.import_module(name)


def _names(module: str) -> dict[str, str | None]:
    """The names a stand-in module holds -> the channel name of each (None: not a channel)."""
    if module in STAND_INS:
        return dict.fromkeys(STAND_INS[module])
    return dict(_state["channels"][module])


class _StandInType(type):
    """Type of the stand-ins, so ``issubclass``/``isinstance`` checks need no real class."""

    _kw_module: str
    _kw_name: str
    _kw_channel: str | None

    def __subclasscheck__(cls, other: Any) -> bool:
        real = sys.modules.get(cls._kw_module)
        if real is None or isinstance(real, _StandInModule):
            return False  # no class can derive from one never loaded
        return issubclass(other, getattr(real, cls._kw_name))

    def __instancecheck__(cls, obj: Any) -> bool:
        return cls.__subclasscheck__(type(obj))

    def _kw_real(cls) -> Any:
        module = _real_module(cls._kw_module, f"{cls._kw_module}.{cls._kw_name} used")
        return getattr(module, cls._kw_name)

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        return cls._kw_real()(*args, **kwargs)

    def __getattr__(cls, name: str) -> Any:
        if name.startswith("_kw_"):
            raise AttributeError(name)
        channel = cls._kw_channel
        if name == "name" and channel is not None:
            return lambda: channel  # rasa.core.channels lists its channels by name
        return getattr(cls._kw_real(), name)

    def __new__(mcs, name: str, bases: tuple[Any, ...], namespace: dict[str, Any]) -> Any:
        stand_ins = [base for base in bases if isinstance(base, _StandInType)]
        if not stand_ins:
            return super().__new__(mcs, name, bases, namespace)
        tensorflow = [base for base in stand_ins if base._kw_channel is None]
        if tensorflow and not _state["real"]:
            base = tensorflow[0]
            raise TypeError(
                f"{name} subclasses {base._kw_module}.{base._kw_name}, a stand-in while "
                "serving without TensorFlow: set KW_LEAN_IMPORTS=off to serve this model"
            )
        # A module that imported a stand-in and then a name that loaded the real
        # module (UnexpecTEDIntentPolicy does) subclasses the real class.
        real = tuple(base._kw_real() if isinstance(base, _StandInType) else base for base in bases)
        return type(real[0])(name, real, namespace)


def _stand_in(module: str, name: str, channel: str | None = None) -> Any:
    """A hashable class-like object named like the real class, loading it on real use."""
    namespace = {"_kw_module": module, "_kw_name": name, "_kw_channel": channel}
    return _StandInType(name, (), {**namespace, "__module__": module})


class _StandInModule(types.ModuleType):
    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(_real_module(self.__name__, f"{self.__name__}.{name} used"), name)


class _Loader(importlib.abc.Loader):
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return _StandInModule(spec.name)

    def exec_module(self, module: types.ModuleType) -> None:
        for name, channel in _names(module.__name__).items():
            setattr(module, name, _stand_in(module.__name__, name, channel))


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        wanted = (fullname in STAND_INS and not _state["real"]) or fullname in _state["channels"]
        if not wanted:
            return None
        return importlib.machinery.ModuleSpec(fullname, _Loader(), origin="kw-lean-stand-in")


def install(console: bool = False) -> None:
    """Supplies the stand-ins from now on (before Rasa is imported).

    Args:
        console: Also stand in for the console channel (``rasa run``, not ``shell``).
    """
    _state["channels"] = {**CHANNEL_STAND_INS, **(CONSOLE_STAND_IN if console else {})}
    if any(isinstance(finder, _Finder) for finder in sys.meta_path):
        return
    if "distutils" not in sys.modules:
        try:
            import _distutils_hack  # setuptools' .pth shim, where setuptools is installed
        except ImportError:
            pass
        else:
            _distutils_hack.remove_shim()
    _state["real"] = False
    sys.meta_path.insert(0, _Finder())


def installed() -> bool:
    """Whether TensorFlow stand-ins are being supplied (no real use has loaded the real ones)."""
    return not _state["real"] and any(isinstance(finder, _Finder) for finder in sys.meta_path)


def _model_archive(model: Path) -> Path | None:
    """The archive ``rasa run --model`` loads: the file, or the newest in a folder."""
    if model.is_dir():
        archives = sorted(model.glob("*.tar.gz"), key=lambda path: path.stat().st_mtime)
        return archives[-1] if archives else None
    return model if model.is_file() else None


def model_needs_tensorflow(model: Path) -> bool:
    """Whether the model's predict schema uses a TensorFlow component (True if unreadable)."""
    archive = _model_archive(model)
    if archive is None:
        return True
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                if Path(member.name).name == "metadata.json":
                    handle = tar.extractfile(member)
                    metadata = json.load(handle) if handle else {}
                    break
            else:
                return True
        nodes = metadata["predict_schema"]["nodes"].values()
        uses = [str(node["uses"]) for node in nodes]
    except (OSError, tarfile.TarError, ValueError, KeyError, AttributeError):
        return True
    return any(use.startswith(TENSORFLOW_COMPONENTS) for use in uses)


def wanted(argv: Sequence[str], enabled: bool) -> bool:
    """Whether these Rasa arguments serve a model that TensorFlow is not needed for.

    Only ``run`` and ``shell`` without ``--enable-api`` (the API can train and load
    other models); training and every other command keep Rasa's own imports.
    """
    if not enabled or not argv or argv[0] not in ("run", "shell") or "--enable-api" in argv:
        return False
    model = "models"
    for index, arg in enumerate(argv):
        if arg in ("-m", "--model") and index + 1 < len(argv):
            model = argv[index + 1]
        elif arg.startswith("--model="):
            model = arg.split("=", 1)[1]
    return not model_needs_tensorflow(Path(model))
