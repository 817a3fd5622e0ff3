"""Kakao i Open Builder skill connector, registered as ``channels.kakao.KakaoInput``.

``skill`` reads skill requests and builds skill responses (pure); ``settings``
reads credentials.yml; ``handler`` holds the Sanic routes and the callback
delivery.
"""

from channels.kakao.handler import KakaoInput
from channels.kakao.settings import KakaoSettings

__all__ = ["KakaoInput", "KakaoSettings"]
