"""Kakao i Open Builder skill connector, registered as ``channels.kakao.KakaoInput``.

``skill`` reads skill requests and builds skill responses (pure); ``handler``
holds the Sanic routes and the callback delivery.
"""

from channels.kakao.handler import KakaoInput, KakaoSettings

__all__ = ["KakaoInput", "KakaoSettings"]
