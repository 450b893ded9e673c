"""Speech for a kiosk nobody can bring a screen reader to (EN 301 549 5.1.3).

The rules of what is said live here, apart from any screen: what a visitor hears goes through
one `Speaker`, which

- says one thing at a time: a new utterance, a key or a new screen stops the last (5.1.3.5);
- repeats the last utterance, or pauses and resumes it, on request (5.1.3.4);
- never says a secret: a PIN is described, never read (5.1.3.8);
- says personal data (names, numbers, a letter's details) only on a private kiosk, one with a
  headset; otherwise it says the answer is on the screen (5.1.3.9);
- speaks the language of the screen (5.1.3.14), and starts every visitor at the default
  volume (5.1.3.13).

The voice is injected: espeak-ng playing aloud (`EspeakVoice`), espeak-ng writing numbered WAV
files and `utterances.jsonl` (`FileVoice`, for diagnostics and tests), or a test's own.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from izle.data.i18n import N_, translate

ESPEAK = "espeak-ng"
# espeak-ng's voices for İzlə's languages (Debian's espeak-ng-data has all three).
VOICES = {"az": "az", "ru": "ru", "en": "en"}
DEFAULT_VOLUME = 100  # espeak-ng's amplitude, 0..200
VOLUME_STEP = 20
MIN_VOLUME, MAX_VOLUME = 20, 200
ESPEAK_TIMEOUT = 30.0  # seconds a WAV may take to write before it is given up

ON_THE_SCREEN = N_("The answer is on the screen.")


@dataclass(frozen=True)
class Utterance:
    lang: str
    text: str
    volume: int = DEFAULT_VOLUME


class Voice(Protocol):
    def say(self, utterance: Utterance) -> None:
        """Start saying `utterance` once what it was given before has been said; returns at once."""

    def stop(self) -> None:
        """Stop whatever is being said (nothing if nothing is)."""


def espeak_missing() -> str | None:
    """One sentence (a msgid) if espeak-ng cannot be run here, else None."""
    if shutil.which(ESPEAK) is None:
        return N_("Speech is off: espeak-ng is not installed (Debian: apt install espeak-ng).")
    return None


def espeak_command(utterance: Utterance, wav: Path | None = None) -> list[str]:
    """espeak-ng's arguments: the screen's language, the visitor's volume; the text after
    `--` so that text starting with a dash is never read as an option."""
    command = [ESPEAK, "-v", VOICES.get(utterance.lang, "en"), "-a", str(utterance.volume)]
    if wav is not None:
        command += ["-w", str(wav)]
    return [*command, "--", utterance.text]


class EspeakVoice:
    """Says utterances aloud through espeak-ng, one after another, in a thread of its own;
    `stop` ends the one playing and drops the rest."""

    def __init__(self) -> None:
        self._queue: list[Utterance] = []
        self._process: subprocess.Popen | None = None
        self._lock = threading.Lock()
        self._wake = threading.Event()
        threading.Thread(target=self._play, daemon=True, name="espeak-ng").start()

    def say(self, utterance: Utterance) -> None:
        with self._lock:
            self._queue.append(utterance)
        self._wake.set()

    def stop(self) -> None:
        with self._lock:
            self._queue.clear()
            process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()

    def _play(self) -> None:
        while True:
            self._wake.wait()
            with self._lock:
                if not self._queue:
                    self._wake.clear()
                    continue
                utterance = self._queue.pop(0)
                process = self._process = subprocess.Popen(
                    espeak_command(utterance), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                process.wait(timeout=ESPEAK_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()


class FileVoice:
    """Writes each utterance to DIR as 0001.wav, 0002.wav … with a line of
    DIR/utterances.jsonl, `{"n", "lang", "text", "wav"}`, instead of playing it. Without
    espeak-ng the lines are still written, with "wav": null."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._n = 0
        self._lock = threading.Lock()
        self._can_speak = espeak_missing() is None

    def say(self, utterance: Utterance) -> None:
        with self._lock:
            self._n += 1
            wav = f"{self._n:04d}.wav" if self._can_speak else None
            if wav is not None:
                subprocess.run(espeak_command(utterance, self.folder / wav), check=False,
                               timeout=ESPEAK_TIMEOUT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
            line = {"n": self._n, "lang": utterance.lang, "text": utterance.text, "wav": wav}
            with open(self.folder / "utterances.jsonl", "a", encoding="utf-8") as out:
                out.write(json.dumps(line, ensure_ascii=False) + "\n")

    def stop(self) -> None:
        """A file is written whole: there is nothing to cut short."""


@dataclass(frozen=True)
class Said:
    """What a screen asks to be said: `text` in `lang`; `personal` if it names a person or
    a letter (said only on a private kiosk)."""

    lang: str
    text: str
    personal: bool = False
    # Withheld on a public kiosk, a personal part is replaced by "the answer is on the screen"
    # when it is the answer (a letter), and simply left out when it is what the person typed.
    answer: bool = True


class Speaker:
    """The one way anything is said on this terminal (the rules above)."""

    def __init__(self, voice: Voice, *, private: bool = False) -> None:
        self.voice = voice
        self.private = private
        self.volume = DEFAULT_VOLUME
        self.last: tuple[Utterance, ...] = ()
        self.paused = False
        self._secrets: set[str] = set()

    def say(self, *parts: Said) -> tuple[Utterance, ...]:
        """Say `parts`, cutting off what was being said: one utterance per run of parts in one
        language (a goodbye in Russian, then the login in Azerbaijani)."""
        utterances = tuple(self._utterances([p for p in parts if p.text.strip()]))
        if utterances:
            self.last, self.paused = utterances, False
            self._speak(utterances)
        return utterances

    def _utterances(self, parts: list[Said]):
        runs: list[list[Said]] = []
        for part in parts:
            if runs and runs[-1][0].lang == part.lang:
                runs[-1].append(part)
            else:
                runs.append([part])
        for run in runs:
            lang = run[0].lang
            texts = [p.text for p in run if self.private or not p.personal]
            if not self.private and any(p.personal and p.answer for p in run):
                texts.append(translate(ON_THE_SCREEN, lang))
            if text := self._without_secrets(" ".join(dict.fromkeys(texts))).strip():
                yield Utterance(lang, text, self.volume)

    def _speak(self, utterances: tuple[Utterance, ...]) -> None:
        self.voice.stop()
        for utterance in utterances:
            self.voice.say(utterance)

    def keep_secret(self, value: str) -> None:
        """Never say `value` (a PIN as it is typed), whatever text it turns up in."""
        if value:
            self._secrets.add(value)

    def _without_secrets(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, "")
        return text

    def interrupt(self) -> None:
        """A key was pressed, or the screen changed: stop talking."""
        self.voice.stop()

    def again(self) -> None:
        """Say the last utterance again, from its start (at today's volume)."""
        if self.last:
            self.last = tuple(Utterance(u.lang, u.text, self.volume) for u in self.last)
            self.paused = False
            self._speak(self.last)

    def pause(self) -> None:
        """Stop talking; asked again, start the last utterance over (espeak-ng cannot resume
        in the middle of one)."""
        if self.paused:
            self.again()
        else:
            self.paused = True
            self.voice.stop()

    def louder(self) -> None:
        self.volume = min(MAX_VOLUME, self.volume + VOLUME_STEP)

    def softer(self) -> None:
        self.volume = max(MIN_VOLUME, self.volume - VOLUME_STEP)

    def next_visitor(self) -> None:
        """A new person: default volume, nothing to repeat, no secret of the last kept."""
        self.voice.stop()
        self.volume = DEFAULT_VOLUME
        self.last, self.paused = (), False
        self._secrets.clear()
