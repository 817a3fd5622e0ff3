"""The staff console in a real headless Chromium, against `python -m bot.server` (`make run`).

One scenario, step by step, on one running assistant (embedded mode, its own
content folder): a wrong password is refused; sign in; an edit that breaks
validation shows the message at the field and publishes nothing; fix it; the
preview answers from the draft; publish, and the REST channel answers with the
new text (make bench measures how soon); roll back, and the old answer is back; an
unanswered question becomes an FAQ entry that is then answered; stored
``<script>`` stays inert; an editor cannot publish, but adds an alias and a Q&A
note to an event, the preview answers a question only they can answer, and once a
publisher publishes the REST channel answers it too; the Korean interface; sign
out. Screenshots of the main pages in both languages, on a desktop and a phone,
go to results/console/ (docs/console/ holds the ones the staff guide shows).
"""

from __future__ import annotations

import time

import pytest

from tests.support.browser import DESKTOP, PHONE, available, quit_chromium, start_chromium
from tests.support.console_stack import (
    answer_changes,
    find,
    page_weight,
    rest,
    set_text,
    shot,
    sign_in,
    start_stack,
    stop_stack,
)

#: A publish is picked up by the running bot without a restart. The target (under
#: 2 s) is measured by `make bench`; under load a test only checks it happens.
PICKUP_LIMIT = 10.0

pytestmark = pytest.mark.slow

NEW_ZH = "现场免费WiFi：网络名 KW-2026，密码在服务台领取（新）。"
NEW_KO = "현장 무료 와이파이: 네트워크 이름 KW-2026, 비밀번호는 안내데스크에서 받으세요(새)."
OLD_ZH = "KoreaWeek-Free"
SMOKING_Q = "展馆里能抽烟吗"
SMOKING_ZH = "展馆和剧院内全部禁烟，请到1号门外的吸烟区（新）。"
SMOKING_KO = "전시관과 극장 안은 모두 금연입니다. 1번 출입구 밖 흡연 구역을 이용하세요(새)."
SCRIPT = "<script>window.kwHacked=1</script>"
#: A name of the Go invitational and a question about it that nothing in the content answers.
ALIAS_ZH, ALIAS_KO = "棋王杯", "기왕배"
PRIZE_Q = "棋王杯冠军有奖金吗"
PRIZE_ZH = "冠军可获奖金一万元和水晶奖杯（新）。"
PRIZE_KO = "우승자는 상금 1만 위안과 크리스털 트로피를 받습니다(새)."
TIMINGS: dict[str, float] = {}


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    reason = available()
    if reason:
        pytest.fail(f"the browser tests need Chromium: {reason}")
    running = start_stack(tmp_path_factory.mktemp("stack"))
    yield running
    stop_stack(running)


@pytest.fixture(scope="module")
def browser(stack):
    driver = start_chromium(DESKTOP)
    driver.implicitly_wait(0)
    yield driver
    quit_chromium(driver)


def test_make_run_prints_the_console_address(stack) -> None:
    assert f"console:  http://127.0.0.1:{stack.console_port}/" in stack.log.read_text(
        encoding="utf-8"
    )


def test_a_wrong_password_is_refused_then_sign_in(stack, browser) -> None:
    TIMINGS["browser_start"] = time.monotonic()
    sign_in(browser, stack, "pia", "not the password")
    assert "账号或密码不对" in find(browser, "#login-error").text
    shot(browser, "login")
    sign_in(browser, stack, "pia")
    find(browser, "#section-events")
    assert browser.current_url.endswith("/content")
    shot(browser, "content")


def test_an_edit_that_breaks_validation_is_shown_at_the_field_and_publishes_nothing(
    stack, browser
) -> None:
    browser.get(stack.console + "/content/faq/wifi")
    set_text(browser, "f-answer-ko", "")
    browser.find_element("id", "save").click()
    message = find(browser, "#err-f-answer-ko")
    assert "不能为空" in message.text
    shot(browser, "edit-error")
    browser.get(stack.console + "/publish")
    assert find(browser, "#no-changes")
    assert OLD_ZH in rest(stack, "有免费WiFi吗？", "check-1")


def test_fix_it_and_the_preview_answers_from_the_draft(stack, browser) -> None:
    browser.get(stack.console + "/content/faq/wifi")
    set_text(browser, "f-answer-zh", NEW_ZH)
    set_text(browser, "f-answer-ko", NEW_KO)
    browser.find_element("id", "save").click()
    assert "已保存到草稿" in find(browser, ".notice").text
    browser.get(stack.console + "/preview")
    find(browser, "#chat-text").send_keys("有免费WiFi吗？")
    browser.find_element("id", "chat-send").click()
    reply = find(browser, "#chat-log li.bot:not(.waiting)", timeout=120)
    assert NEW_ZH in reply.text
    shot(browser, "preview")
    assert OLD_ZH in rest(stack, "有免费WiFi吗？", "check-2")  # visitors still get the live text


def test_publish_and_the_bot_answers_with_the_new_text(stack, browser) -> None:
    browser.get(stack.console + "/publish")
    find(browser, "#draft-diff")
    shot(browser, "publish")
    find(browser, "#message").send_keys("WiFi 名称更新")
    browser.find_element("id", "publish").click()
    started = time.monotonic()
    seconds = answer_changes(stack, "有免费WiFi吗？", lambda text: NEW_ZH in text)
    TIMINGS["publish_embedded"] = time.monotonic() - started
    print(f"\n  embedded mode: publish -> new REST answer in {TIMINGS['publish_embedded']:.2f} s")
    assert seconds < PICKUP_LIMIT
    assert "已发布版本" in find(browser, ".notice").text
    shot(browser, "history")


def test_rollback_restores_the_old_answer(stack, browser) -> None:
    browser.get(stack.console + "/history")
    find(browser, "a.rollback-parent").click()
    find(browser, "#confirm-rollback").click()
    seconds = answer_changes(
        stack, "有免费WiFi吗？", lambda text: OLD_ZH in text and NEW_ZH not in text
    )
    print(f"  embedded mode: rollback -> old REST answer in {seconds:.2f} s")
    assert seconds < PICKUP_LIMIT
    assert "已撤销到版本" in find(browser, ".notice").text


def test_an_unanswered_question_becomes_an_faq_entry_that_is_answered(stack, browser) -> None:
    assert SMOKING_ZH not in rest(stack, SMOKING_Q, "smoker")
    deadline = time.monotonic() + 10
    browser.get(stack.console + "/unanswered")
    while SMOKING_Q not in browser.page_source and time.monotonic() < deadline:
        time.sleep(0.3)
        browser.refresh()
    shot(browser, "unanswered")
    group = next(
        g for g in browser.find_elements("css selector", "li.group") if SMOKING_Q in g.text
    )
    group.find_element("css selector", "a.answer-this").click()
    assert SMOKING_Q in find(browser, "#f-questions-zh").get_attribute("value")
    set_text(browser, "f-id", "no-smoking")
    from selenium.webdriver.support.ui import Select

    Select(browser.find_element("id", "f-topic")).select_by_value("facilities")
    set_text(browser, "f-questions-ko", "전시관에서 담배 피워도 돼요?")
    set_text(browser, "f-answer-zh", SMOKING_ZH)
    set_text(browser, "f-answer-ko", SMOKING_KO)
    browser.find_element("id", "save").click()
    find(browser, ".notice")
    browser.get(stack.console + "/publish")
    find(browser, "#message").send_keys("禁烟问答")
    browser.find_element("id", "publish").click()
    seconds = answer_changes(stack, SMOKING_Q, lambda text: SMOKING_ZH in text)
    print(f"  new FAQ entry answered {seconds:.2f} s after publishing")


def test_stored_script_stays_inert_in_the_browser(stack, browser) -> None:
    browser.get(stack.console + "/content/events/opening-ceremony")
    set_text(browser, "f-name-zh", SCRIPT)
    browser.find_element("id", "save").click()
    find(browser, ".notice")
    browser.get(stack.console + "/content/events")
    assert SCRIPT in find(browser, "#section-events").text
    assert browser.execute_script("return window.kwHacked") is None
    browser.get(stack.console + "/publish")
    assert SCRIPT in find(browser, "#draft-diff").text
    assert browser.execute_script("return window.kwHacked") is None
    browser.find_element("css selector", "form[action='/draft/discard'] button").click()
    browser.switch_to.alert.accept()
    find(browser, ".notice")


def test_an_editor_cannot_publish(stack, browser) -> None:
    browser.find_element("id", "logout").click()
    find(browser, "#username")
    sign_in(browser, stack, "eddie")
    browser.get(stack.console + "/publish")
    assert find(browser, "#editor-cannot-publish")
    assert not browser.find_elements("id", "publish")
    browser.get(stack.console + "/history")
    assert not browser.find_elements("css selector", "a.rollback-parent")
    browser.find_element("id", "logout").click()
    find(browser, "#username")


def test_an_editor_adds_an_alias_and_a_note_that_answer_a_new_question(stack, browser) -> None:
    assert PRIZE_ZH not in rest(stack, PRIZE_Q, "prize-before")
    sign_in(browser, stack, "eddie")
    browser.get(stack.console + "/content/events/go-invitational")
    find(browser, "#f-aliases-zh").send_keys("\n" + ALIAS_ZH)
    browser.find_element("id", "f-aliases-ko").send_keys("\n" + ALIAS_KO)
    new_note = find(browser, "#f-notes-1")
    assert new_note.get_attribute("open") is None  # rows are folded until opened
    summary = new_note.find_element("css selector", "summary")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", summary)
    summary.click()
    find(browser, "#f-notes-1-questions-zh").send_keys("冠军有奖金吗\n奖金多少")
    browser.find_element("id", "f-notes-1-questions-ko").send_keys(
        "우승 상금 있어요\n상금이 얼마예요"
    )
    browser.find_element("id", "f-notes-1-answer-zh").send_keys(PRIZE_ZH)
    browser.find_element("id", "f-notes-1-answer-ko").send_keys(PRIZE_KO)
    shot(browser, "event-note")
    browser.find_element("id", "save").click()
    assert "已保存到草稿" in find(browser, ".notice").text
    assert "冠军有奖金吗" in find(browser, "#f-notes-1 summary").text
    assert ALIAS_ZH in find(browser, "#f-aliases-zh").get_attribute("value").splitlines()
    browser.get(stack.console + "/preview")
    find(browser, "#chat-text").send_keys(PRIZE_Q)
    browser.find_element("id", "chat-send").click()
    reply = find(browser, "#chat-log li.bot:not(.waiting)", timeout=120)
    assert reply.text.startswith(PRIZE_ZH)
    assert PRIZE_ZH not in rest(stack, PRIZE_Q, "prize-draft")  # not live yet
    browser.find_element("id", "logout").click()
    find(browser, "#username")
    sign_in(browser, stack, "pia")
    browser.get(stack.console + "/publish")
    assert ALIAS_ZH in find(browser, "#draft-diff").text
    find(browser, "#message").send_keys("围棋邀请赛：别名棋王杯，奖金问答")
    browser.find_element("id", "publish").click()
    seconds = answer_changes(stack, PRIZE_Q, lambda text: text.startswith(PRIZE_ZH))
    print(f"  new alias and note answered {seconds:.2f} s after publishing")
    assert "已发布版本" in find(browser, ".notice").text
    answer = rest(stack, f"{ALIAS_KO} 우승 상금 있어요?", "prize-ko")
    assert answer.startswith(PRIZE_KO)
    browser.find_element("id", "logout").click()
    find(browser, "#username")


def test_the_korean_interface_on_a_desktop_and_a_phone(stack, browser) -> None:
    sign_in(browser, stack, "ada")
    for _ in range(30):  # the dashboard shows what the usage broker saved
        rest(stack, "今天有什么活动", f"usage-{_}")
    time.sleep(1.5)
    weights = {}
    for lang in ("zh", "ko"):
        if lang == "ko":
            browser.find_element("id", "switch-language").click()
            find(browser, ".notice")
        for name, path in (
            ("content", "/content"),
            ("event", "/content/events/taekwondo-exchange-1127"),
            ("faq", "/content/faq/wifi"),
            ("venue", "/content/venues/xita"),
            ("hotel", "/content/hotels/qingnian_street_hotel"),
            ("preview", "/preview"),
            ("publish", "/publish"),
            ("history", "/history"),
            ("unanswered", "/unanswered"),
            ("dashboard", "/dashboard"),
            ("accounts", "/accounts"),
            ("audit", "/audit"),
        ):
            browser.get(stack.console + path)
            find(browser, "main h1")
            weights[path] = page_weight(browser)
            shot(browser, name)
    assert "콘텐츠" in find(browser, "nav").text and "게시" in browser.page_source
    browser.set_window_size(*PHONE)
    for name, path in (
        ("content", "/content"),
        ("faq", "/content/faq/wifi"),
        ("dashboard", "/dashboard"),
    ):
        browser.get(stack.console + path)
        find(browser, "main h1")
        shot(browser, name, PHONE)
    browser.get(stack.console + "/content/events/go-invitational")
    browser.execute_script("document.getElementById('f-notes-1').open = true")
    shot(browser, "event-notes", PHONE, top="#f-aliases")
    browser.set_window_size(*DESKTOP)
    heaviest = max(weights, key=weights.get)
    kib = weights[heaviest] / 1024
    print(f"  heaviest console page: {heaviest}, {kib:.1f} KiB with CSS and script")
    event = weights["/content/events/taekwondo-exchange-1127"] / 1024
    print(f"  event edit page (aliases, notes): {event:.1f} KiB with CSS and script")
    assert weights[heaviest] < 500 * 1024


def test_sign_out(stack, browser) -> None:
    browser.find_element("id", "logout").click()
    find(browser, "#username")
    browser.get(stack.console + "/content")
    assert browser.current_url.endswith("/login")
    seconds = time.monotonic() - TIMINGS["browser_start"]
    print(f"  browser scenario: {seconds:.1f} s (after the assistant started)")
