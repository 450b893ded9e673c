"""What the kiosk says, and what it never says (data/speech.py)."""

from __future__ import annotations

import json
import shutil
import wave
from array import array

import pytest

from izle.data.speech import (DEFAULT_VOLUME, FileVoice, Said, Speaker, Utterance,
                              espeak_command, espeak_missing)


class Recorder:
    """A voice that keeps what it was asked: ("say", utterance) and ("stop",)."""

    def __init__(self) -> None:
        self.events: list[tuple] = []

    def say(self, utterance: Utterance) -> None:
        self.events.append(("say", utterance))

    def stop(self) -> None:
        self.events.append(("stop",))

    @property
    def said(self) -> list[str]:
        return [e[1].text for e in self.events if e[0] == "say"]


def test_a_new_utterance_cuts_off_the_last():
    voice = Recorder()
    speaker = Speaker(voice)
    speaker.say(Said("az", "Giriş"))
    speaker.say(Said("az", "Məktublarınız"))
    assert [e[0] for e in voice.events] == ["stop", "say", "stop", "say"]
    assert voice.said == ["Giriş", "Məktublarınız"]


def test_a_key_stops_it_repeat_says_it_again_pause_toggles():
    voice = Recorder()
    speaker = Speaker(voice)
    speaker.say(Said("ru", "Вход"))
    speaker.interrupt()
    assert voice.events[-1] == ("stop",)
    speaker.again()
    assert voice.said == ["Вход", "Вход"]
    speaker.pause()
    assert voice.events[-1] == ("stop",) and speaker.paused
    speaker.pause()
    assert voice.said == ["Вход", "Вход", "Вход"] and not speaker.paused


def test_personal_data_only_on_a_private_kiosk():
    public, private = Recorder(), Recorder()
    for voice, is_private in ((public, False), (private, True)):
        Speaker(voice, private=is_private).say(
            Said("en", "Your letter."), Said("en", "Executor: Məmmədov Elvin", personal=True))
    assert public.said == ["Your letter. The answer is on the screen."]
    assert private.said == ["Your letter. Executor: Məmmədov Elvin"]


@pytest.mark.parametrize("lang, sentence", [("az", "Cavab ekrandadır."),
                                            ("ru", "Ответ на экране."),
                                            ("en", "The answer is on the screen.")])
def test_the_answer_is_on_the_screen_in_the_screens_language(lang, sentence):
    voice = Recorder()
    Speaker(voice).say(Said(lang, "…"), Said(lang, "Həsənov", personal=True))
    assert voice.events[-1][1].lang == lang
    assert voice.said == [f"… {sentence}"]


def test_each_language_is_its_own_utterance_in_its_own_voice():
    voice = Recorder()
    Speaker(voice).say(Said("az", "Asan İmza ilə giriş"), Said("ru", "Вы вышли."), Said("ru", "До свидания."))
    assert [(e[1].lang, e[1].text) for e in voice.events if e[0] == "say"] == [
        ("az", "Asan İmza ilə giriş"), ("ru", "Вы вышли. До свидания.")]


def test_a_secret_is_never_said_whatever_text_it_is_in():
    voice = Recorder()
    speaker = Speaker(voice, private=True)
    speaker.keep_secret("4821")
    speaker.say(Said("az", "PIN1 sahəsi: 4821"), Said("az", "kod 48211", personal=True))
    assert "4821" not in voice.said[0]


def test_every_visitor_starts_at_the_default_volume():
    voice = Recorder()
    speaker = Speaker(voice)
    speaker.louder()
    speaker.louder()
    speaker.say(Said("az", "Salam"))
    assert voice.events[-1][1].volume == DEFAULT_VOLUME + 40
    speaker.keep_secret("1234")
    speaker.next_visitor()
    assert speaker.volume == DEFAULT_VOLUME and speaker.last == ()
    speaker.again()  # nothing of the last visitor to repeat
    assert voice.said == ["Salam"]
    speaker.say(Said("az", "1234"))
    assert voice.said[-1] == "1234"  # the last visitor's PIN is not remembered either


def test_text_starting_with_a_dash_is_never_an_option():
    command = espeak_command(Utterance("ru", "-w /etc/passwd"))
    assert command[-2:] == ["--", "-w /etc/passwd"] and command[:3] == ["espeak-ng", "-v", "ru"]


def test_speech_to_writes_numbered_lines(tmp_path, monkeypatch):
    monkeypatch.setattr("izle.data.speech.espeak_missing", lambda: "missing")
    voice = FileVoice(tmp_path)
    Speaker(voice).say(Said("en", "Log in"))
    Speaker(voice).say(Said("ru", "Вход"))
    lines = [json.loads(line) for line in (tmp_path / "utterances.jsonl").read_text().splitlines()]
    assert lines == [{"n": 1, "lang": "en", "text": "Log in", "wav": None},
                     {"n": 2, "lang": "ru", "text": "Вход", "wav": None}]


ESPEAK_ABSENT = espeak_missing() is not None


@pytest.mark.skipif(ESPEAK_ABSENT, reason="espeak-ng is not installed (.ci/run installs it)")
@pytest.mark.parametrize("lang, text", [("az", "Məktubunuz baxılır."), ("ru", "Ваше письмо рассматривается."),
                                        ("en", "Your letter is being considered.")])
def test_espeak_ng_writes_speech_not_silence(tmp_path, lang, text):
    """The real espeak-ng: a WAV of a sentence's length (about 1-6 s), with sound in it."""
    assert shutil.which("espeak-ng")
    Speaker(FileVoice(tmp_path)).say(Said(lang, text))
    line = json.loads((tmp_path / "utterances.jsonl").read_text())
    assert line == {"n": 1, "lang": lang, "text": text, "wav": "0001.wav"}
    with wave.open(str(tmp_path / "0001.wav")) as wav:
        seconds = wav.getnframes() / wav.getframerate()
        assert wav.getsampwidth() == 2
        samples = array("h", wav.readframes(wav.getnframes()))
    assert 0.8 < seconds < 8, seconds
    loud = sum(1 for s in samples if abs(s) > 1000)
    assert loud > len(samples) * 0.05  # a silent or near-silent file has none
