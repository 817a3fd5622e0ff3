"""Telegram bot connector, registered as ``channels.telegram.TelegramInput``.

``updates`` reads Bot API updates and ``render`` plans Bot API calls (both pure);
``sender`` makes the calls within Telegram's flood limits and ``output`` sends a
bot message through it; ``settings`` reads credentials.yml; ``handler`` holds the
webhook; ``python -m channels.telegram.polling`` feeds the webhook from long
polling when there is no public URL.
"""

from channels.telegram.handler import TelegramInput
from channels.telegram.output import TelegramOutput
from channels.telegram.settings import TelegramSettings

__all__ = ["TelegramInput", "TelegramOutput", "TelegramSettings"]
