"""A kiosk that talks: what each screen says, in the visitor's language, and what it never says."""

from __future__ import annotations

import json

import pytest

from izle.data.i18n import translate
from izle.data.speech import DEFAULT_VOLUME, espeak_missing
from izle.tui.settings import Settings
from tests.conftest import CITIZEN, izle_app
from tests.pilot import choose_agency, look_up, settle, start_login, type_into
from tests.test_speech import Recorder

SIZE = (80, 24)
LETTER = ("01-31/3073", "05.03.2026")


async def said_so_far(pilot, voice: Recorder, wanted: str, timeout: float = 3.0) -> list[str]:
    """Wait until something said contains `wanted`; what was said."""
    for _ in range(int(timeout / 0.05)):
        if any(wanted in text for text in voice.said):
            return voice.said
        await pilot.pause(0.05)
    raise AssertionError(f"never said {wanted!r}; said: {voice.said}")


async def pin_by_keys(pilot, pin: str) -> None:
    """PIN1 typed key by key on the phone, as a person does."""
    await pilot.click("#phone-confirm")
    await pilot.pause()
    pilot.app.screen.query_one("#pin1").focus()
    await pilot.pause()
    await pilot.press(*pin)
    await pilot.press("enter")
    await settle(pilot)


def kiosk(register, voice, lang="az", private=False):
    settings = Settings(db_path=register, kiosk=True, lang=lang, speech=True,
                        speech_private=private, terminal="kiosk-7")
    return izle_app(register, settings=settings, voice=voice)


@pytest.mark.parametrize("lang", ["az", "ru", "en"])
async def test_each_screen_says_its_purpose_in_the_visitors_language(register, lang):
    voice = Recorder()
    app = kiosk(register, voice, lang=lang)
    t = lambda msgid: translate(msgid, lang)  # noqa: E731
    async with app.run_test(size=SIZE) as pilot:
        await said_so_far(pilot, voice, t("Log in with Asan İmza"))
        assert voice.events[-1][1].lang == lang
        await start_login(pilot, CITIZEN)
        await said_so_far(pilot, voice, t("Login request from İzlə. Verification code:"))
        await pin_by_keys(pilot, CITIZEN.pin1)
        await said_so_far(pilot, voice, t("Your letters, newest first. Choose one and press Enter."))
        await choose_agency(pilot, "baki")
        await said_so_far(pilot, voice, t("Letter number (as on your receipt)"))
        await look_up(pilot, "99-99/9999", LETTER[1])
        await said_so_far(pilot, voice, t("No letter of yours with this number and registration date was found at this authority. Check both on your receipt."))
        assert {e[1].lang for e in voice.events if e[0] == "say"} == {lang}
        assert not any(CITIZEN.pin1 in text for text in voice.said), voice.said


@pytest.mark.parametrize("private", [False, True])
async def test_the_letter_is_read_only_into_a_headset(register, private):
    voice = Recorder()
    app = kiosk(register, voice, lang="en", private=private)
    async with app.run_test(size=SIZE) as pilot:
        await start_login(pilot, CITIZEN)
        await pin_by_keys(pilot, CITIZEN.pin1)
        await choose_agency(pilot, "baki")
        await look_up(pilot, *LETTER)
        if private:
            said = await said_so_far(pilot, voice, "Executor: Məmmədov Elvin Rauf oğlu")
            letter = said[-1]
            for label in ("Structural unit: Customs Control Department", "Executor's phone: +994 12 404 11 22",
                          "State of execution:", "Answer due:"):
                assert label in letter, letter
        else:
            said = await said_so_far(pilot, voice, "The answer is on the screen.")
            assert not any("Məmmədov" in text or "404 11 22" in text or "01-31/3073" in text
                           for text in said), said
            assert not any("Həsənov" in text or CITIZEN.phone_typed in text or CITIZEN.fin in text
                           for text in said), said


async def test_a_key_stops_speech_star_repeats_slash_pauses(register):
    voice = Recorder()
    app = kiosk(register, voice, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        said = await said_so_far(pilot, voice, "Log in with Asan İmza")
        assert said == ["Log in with Asan İmza Field: Mobile number."]  # the screen, then its focus
        app.screen.query_one("#lang-en").focus()  # a button: "/" is not typed into a field
        await pilot.pause()
        count = len(voice.said)
        await pilot.press("asterisk")
        await pilot.pause()
        assert voice.events[-2] == ("stop",)  # the key stopped what was being said …
        assert voice.said[count:] == [voice.said[count - 1]]  # … and the last is said again
        await pilot.press("slash")
        await pilot.pause()
        assert voice.events[-1] == ("stop",) and app.reader.speaker.paused
        await pilot.press("slash")
        await pilot.pause()
        assert voice.said[-1] == voice.said[count - 1] and not app.reader.speaker.paused


async def test_volume_starts_over_for_the_next_visitor(register):
    voice = Recorder()
    app = kiosk(register, voice, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await said_so_far(pilot, voice, "Log in with Asan İmza")
        app.screen.query_one("#lang-en").focus()
        await pilot.press("plus", "plus")
        await pilot.pause()
        assert voice.events[-1][1].volume == DEFAULT_VOLUME + 40
        await start_login(pilot, CITIZEN)
        await pin_by_keys(pilot, CITIZEN.pin1)
        mark = len(voice.events)
        await pilot.press("f3")  # log out: the next visitor
        await settle(pilot)
        await said_so_far(pilot, voice, "You have logged out.")
        after = [e[1] for e in voice.events[mark:] if e[0] == "say"]
        assert after and {u.volume for u in after} == {DEFAULT_VOLUME}
        assert after[-1].text.startswith("Log in with Asan İmza")


@pytest.mark.skipif(espeak_missing() is not None, reason="espeak-ng is not installed (.ci/run installs it)")
async def test_speech_to_writes_what_the_login_says(register, tmp_path):
    folder = tmp_path / "speech"
    settings = Settings(db_path=register, kiosk=True, lang="ru", speech_to=folder, terminal="k")
    app = izle_app(register, settings=settings)
    async with app.run_test(size=SIZE) as pilot:
        log = folder / "utterances.jsonl"
        for _ in range(60):
            if log.exists() and log.read_text():
                break
            await pilot.pause(0.05)
        first = json.loads(log.read_text().splitlines()[0])
    assert first["n"] == 1 and first["lang"] == "ru" and first["wav"] == "0001.wav"
    assert first["text"].startswith("Вход с Asan İmza")
    assert (folder / "0001.wav").stat().st_size > 10_000


def test_a_missing_espeak_ng_is_one_sentence_at_start(register, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from izle.tui.app import IzleApp
    from izle.tui.cli.run import run

    started = []
    monkeypatch.setattr(IzleApp, "run", lambda self: started.append(self.reader))
    monkeypatch.setenv("PATH", str(tmp_path))  # no espeak-ng on it
    result = CliRunner().invoke(run, ["--db", str(register), "--state", str(tmp_path / "t.db"),
                                      "--kiosk", "--speech", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == ("Speech is off: espeak-ng is not installed "
                                     "(Debian: apt install espeak-ng).")
    assert started == [None]  # the kiosk runs, silent
