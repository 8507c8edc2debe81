"""Movie posters at the counter (issue 8: "optional poster image, shown in the show finder").

``PosterCache`` loads the posters of the movies listed (``movies.movie_poster``) off the GUI
thread, all of one list in one background step; the images are decoded and shrunk there (a
``QImage`` may be made on any thread) and become small pixmaps on the GUI thread once, at the
size asked for. A movie without a poster is remembered as such, so a box office without posters
costs one small read per movie every ``TTL_S`` seconds in the background and nothing on screen:
the finder draws its rows as before until a poster is known. After ``TTL_S`` a movie is asked
again (a poster an administrator adds shows up without a restart).

``PosterLabel`` is the open show's poster beside its title in the counter window.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Final

from PySide6.QtCore import QObject, QSize, Qt, Signal, Slot
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QWidget

from bms_desktop.domain.errors import DomainError
from bms_desktop.gui.workers import TaskRunner
from bms_desktop.services.admin import movies
from bms_desktop.services.context import BoxOffice

log = logging.getLogger(__name__)

TTL_S: Final = 300.0
STORED_HEIGHT: Final = 180  # what is kept of a poster (pixels high): enough for any thumbnail
POSTER_RATIO: Final = 2 / 3  # width / height of a poster


def _decode(data: bytes | None) -> QImage | None:
    if not data:
        return None
    image = QImage()
    if not image.loadFromData(data) or image.isNull():
        return None
    if image.height() > STORED_HEIGHT:
        image = image.scaledToHeight(STORED_HEIGHT, Qt.TransformationMode.SmoothTransformation)
    return image


class PosterCache(QObject):
    """Posters by movie id. Signals: posters_ready(list) (the movie ids just looked up, with
    or without a poster)."""

    posters_ready = Signal(list)

    def __init__(
        self,
        box: BoxOffice,
        parent: QObject | None = None,
        *,
        runner: TaskRunner | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self._box = box
        self._runner = runner if runner is not None else TaskRunner(self, max_threads=1)
        self._clock = clock
        self._images: dict[int, tuple[QImage | None, float]] = {}  # id -> (image, looked up at)
        self._pixmaps: dict[tuple[int, int], QPixmap] = {}
        self._asked: set[int] = set()  # on their way

    def known(self, movie_id: int) -> bool:
        entry = self._images.get(movie_id)
        return entry is not None and self._clock() - entry[1] < TTL_S

    def has_poster(self, movie_id: int) -> bool:
        entry = self._images.get(movie_id)
        return entry is not None and entry[0] is not None

    def any_poster(self, movie_ids: Iterable[int]) -> bool:
        return any(self.has_poster(m) for m in movie_ids)

    def pixmap(self, movie_id: int, height: int) -> QPixmap | None:
        """The poster ``height`` pixels high (made once per size), or None (none, or not known
        yet: ``request`` it)."""
        entry = self._images.get(movie_id)
        if entry is None or entry[0] is None or height <= 0:
            return None
        key = (movie_id, height)
        pixmap = self._pixmaps.get(key)
        if pixmap is None:
            image = entry[0].scaledToHeight(height, Qt.TransformationMode.SmoothTransformation)
            pixmap = self._pixmaps[key] = QPixmap.fromImage(image)
        return pixmap

    def request(self, movie_ids: Iterable[int]) -> bool:
        """Look up the posters of these movies that are not known (or are out of date), in one
        background step; True when one was started."""
        wanted = sorted({m for m in movie_ids if not self.known(m)} - self._asked)
        if not wanted:
            return False
        self._asked |= set(wanted)
        box = self._box

        def load() -> dict[int, QImage | None]:
            found: dict[int, QImage | None] = {}
            for movie_id in wanted:
                try:
                    found[movie_id] = _decode(movies.movie_poster(box, movie_id))
                except DomainError as exc:  # the movie is gone: no poster
                    log.debug("no poster for movie %s: %s", movie_id, exc)
                    found[movie_id] = None
            return found

        self._runner.submit(
            load,
            on_done=self._on_loaded,
            on_error=lambda exc: self._on_failed(wanted, exc),
            label="Loading posters",
        )
        return True

    def is_loading(self) -> bool:
        return bool(self._asked)

    def _on_loaded(self, found: dict[int, QImage | None]) -> None:
        now = self._clock()
        for movie_id, image in found.items():
            self._images[movie_id] = (image, now)
            for key in [k for k in self._pixmaps if k[0] == movie_id]:
                del self._pixmaps[key]
        self._asked -= set(found)
        self.posters_ready.emit(sorted(found))

    def _on_failed(self, wanted: list[int], exc: BaseException) -> None:
        log.warning("posters not loaded: %s", exc)
        self._on_loaded(dict.fromkeys(wanted))  # none, until asked again after TTL_S


class PosterLabel(QLabel):
    """One movie's poster, ``height`` pixels high; hidden when the movie has none."""

    def __init__(self, cache: PosterCache, height: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._cache = cache
        self._height = height
        self._movie: int | None = None
        self.setObjectName("showPoster")
        self.setFixedSize(QSize(round(height * POSTER_RATIO), height))
        self.setScaledContents(False)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hide()
        cache.posters_ready.connect(self._on_cache_posters_ready)

    def show_movie(self, movie_id: int | None) -> None:
        self._movie = movie_id
        if movie_id is not None:
            self._cache.request([movie_id])
        self._sync()

    def movie_id(self) -> int | None:
        return self._movie

    def _sync(self) -> None:
        pixmap = None if self._movie is None else self._cache.pixmap(self._movie, self._height)
        if pixmap is None:
            self.clear()
            self.hide()
            return
        if pixmap.width() > self.width():  # a wide image: fitted, not cut
            pixmap = pixmap.scaled(
                self.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        self.setPixmap(pixmap)
        self.show()

    @Slot(list)
    def _on_cache_posters_ready(self, movie_ids: list[int]) -> None:
        if self._movie in movie_ids:
            self._sync()


__all__ = ["POSTER_RATIO", "PosterCache", "PosterLabel"]
