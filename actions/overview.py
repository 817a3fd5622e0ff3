"""Answers about the event as a whole, and hands visitors over to staff."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answering import Answer, Ask, text_message
from actions.common import reply_language
from actions.content import get_content
from actions.render import format_date_range
from actions.screen import fit
from actions.unanswered import note_unanswered


def compose_overview(ask: Ask) -> Answer:
    """The event as a whole: dates first when asked, organisers, what it is, the website.

    While the content is sample data, a second message says so.
    """
    lang, overview = ask.lang, ask.content.overview
    separator = "、" if lang == "zh" else ", "
    organisers = separator.join(
        f"{o.name.get(lang)} ({o.role.get(lang)})" for o in overview.organisers
    )
    dates = ask.say(
        "utter_piece_dates", dates=format_date_range(overview.start, overview.end, lang)
    )
    lead = [dates] if "when" in ask.question.aspects else []
    lines = [
        *lead,
        overview.name.get(lang),
        dates,
        ask.say("utter_piece_organisers", organisers=organisers),
        ask.say("utter_piece_website", url=overview.website),
        overview.description.get(lang),
    ]
    messages = [text_message(fit(list(dict.fromkeys(lines)), keep=len(lead) + 1))]
    if overview.sample_data and overview.notice is not None:
        messages.append({"response": "utter_sample_notice", "notice": overview.notice.get(lang)})
    return Answer(messages, ask.context)


class ActionHumanHandoff(Action):
    """Gives the staff contact (hotline, e-mail, hours) from content/overview.yml."""

    def name(self) -> str:
        """Returns the action name used in domain.yml."""
        return "action_human_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Sends how to reach a staff member."""
        note_unanswered(tracker)
        lang = reply_language(tracker)
        contact = get_content().overview.contact
        dispatcher.utter_message(
            response="utter_handoff",
            phone=contact.phone,
            email=contact.email,
            hours=contact.hours.get(lang),
        )
        return []
