"""Platform connectors (WeChat, Kakao, Telegram) for the Rasa server.

Each platform is a sub-package whose ``__init__`` names the Rasa input channel
class that ``credentials.yml`` registers by module path (``channels.wechat.WeChatInput``,
``channels.kakao.KakaoInput``, ``channels.telegram.TelegramInput``). Shared pieces
live in ``channels.common``; ``python -m bot.server.credentials`` writes the
credentials file for the channels whose environment variables are set.
Importing this package does no work.
"""
