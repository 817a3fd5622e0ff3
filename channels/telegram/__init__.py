"""Telegram bot connector, registered as ``channels.telegram.TelegramInput``.

``updates`` reads Bot API updates and ``render`` plans Bot API calls (both pure);
``sender`` makes the calls within Telegram's flood limits; ``handler`` holds the
webhook; ``python -m channels.telegram.polling`` feeds the webhook from long
polling when there is no public URL.
"""

from channels.telegram.handler import TelegramInput, TelegramOutput, TelegramSettings

__all__ = ["TelegramInput", "TelegramOutput", "TelegramSettings"]
