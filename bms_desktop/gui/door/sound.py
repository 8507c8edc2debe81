"""A sound per outcome at the door, that never fails for want of audio.

With Qt Multimedia and an audio output: short tones made here (``wave``, no files shipped):
ADMIT a rising two-note chime, a refusal a low double buzz, a lost connection three low pips.
Without them (the bundle leaves Qt Multimedia out; a PC without a sound card; tests offscreen):
``QApplication.beep()``. ``played`` keeps the last kinds asked for, so tests can check them.
"""

from __future__ import annotations

import atexit
import logging
import math
import shutil
import struct
import tempfile
import wave
from collections import deque
from pathlib import Path
from typing import Any, Final

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

RATE: Final = 22_050
# kind -> tones (frequency Hz, milliseconds; 0 Hz is a pause)
TONES: Final[dict[str, tuple[tuple[int, int], ...]]] = {
    "admit": ((880, 110), (0, 20), (1320, 160)),
    "refuse": ((220, 170), (0, 70), (220, 170)),
    "lost": ((330, 90), (0, 60), (330, 90), (0, 60), (330, 90)),
}


def sound_kind(outcome: str) -> str:
    if outcome == "ADMIT":
        return "admit"
    if outcome in ("CONNECTION_LOST", "BUSY", "UNCERTAIN"):
        return "lost"
    return "refuse"


def _write_wav(path: Path, tones: tuple[tuple[int, int], ...]) -> None:
    frames = bytearray()
    for freq, ms in tones:
        count = RATE * ms // 1000
        for i in range(count):
            if freq == 0:
                value = 0.0
            else:
                fade = min(1.0, i / 200, (count - i) / 200)  # no clicks
                value = 0.45 * fade * math.sin(2 * math.pi * freq * i / RATE)
            frames += struct.pack("<h", int(value * 32767))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(bytes(frames))


class DoorSound(QObject):
    def __init__(self, parent: QObject | None = None, *, enabled: bool = True) -> None:
        super().__init__(parent)
        self.enabled = enabled
        self.played: deque[str] = deque(maxlen=20)
        self._effects: dict[str, Any] = {}
        self.backend = "beep"
        if enabled:
            self._effects = _sound_effects(self)
            if self._effects:
                self.backend = "QSoundEffect"

    def play(self, outcome: str) -> None:
        kind = sound_kind(outcome)
        self.played.append(kind)
        if not self.enabled:
            return
        effect = self._effects.get(kind)
        try:
            if effect is not None:
                effect.play()
            else:
                QApplication.beep()
        except Exception:  # a sound must never stop a scan
            log.debug("could not play the %s sound", kind, exc_info=True)


_FOLDER: Path | None = None


def _sound_effects(parent: QObject) -> dict[str, Any]:
    """QSoundEffects for each kind, or {} when there is no Qt Multimedia or no audio output."""
    global _FOLDER  # noqa: PLW0603 - the tones are written once per process
    if QGuiApplication.platformName() in ("offscreen", "minimal", ""):
        return {}
    try:
        from PySide6.QtMultimedia import QMediaDevices, QSoundEffect
    except ImportError:
        return {}
    try:
        if QMediaDevices.defaultAudioOutput().isNull():
            return {}
        if _FOLDER is None:
            _FOLDER = Path(tempfile.mkdtemp(prefix="bms-door-sounds-"))
            atexit.register(shutil.rmtree, _FOLDER, True)
            for kind, tones in TONES.items():
                _write_wav(_FOLDER / f"{kind}.wav", tones)
        effects: dict[str, Any] = {}
        for kind in TONES:
            effect = QSoundEffect(parent)
            effect.setSource(QUrl.fromLocalFile(str(_FOLDER / f"{kind}.wav")))
            effect.setVolume(0.8)
            effects[kind] = effect
        return effects
    except Exception:
        log.info("no door sounds: Qt Multimedia is not usable here", exc_info=True)
        return {}


__all__ = ["TONES", "DoorSound", "sound_kind"]
