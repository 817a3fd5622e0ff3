"""WeChat Official Account connector, registered as ``channels.wechat.WeChatInput``.

``parse`` (signatures, XML, AES, message readers) and ``render`` (reply XML, text
with links) are pure; ``sender`` talks to the customer-service API; ``settings``
reads credentials.yml; ``handler`` holds the Sanic routes.
"""

from channels.wechat.handler import WeChatInput
from channels.wechat.settings import WeChatSettings

__all__ = ["WeChatInput", "WeChatSettings"]
