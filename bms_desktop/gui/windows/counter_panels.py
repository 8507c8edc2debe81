"""How a counter window shares its width and height (a mixin of ``CounterWindow``).

Wide: the show list, the map and the basket side by side. Compact (narrower than
``COMPACT_WIDTH``, e.g. two counters side by side on one screen): the show list and the map take
turns beside the basket. Short: the event log sits in a tab beside the basket instead of under
the map. The strategy and delay captions in the menu bar's corner go when there is no room.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from PySide6.QtCore import Qt

from bms_desktop.domain import cinema_time
from bms_desktop.services.dto import ShowSummary

if TYPE_CHECKING:
    from PySide6.QtWidgets import (
        QComboBox,
        QLabel,
        QMainWindow,
        QSplitter,
        QTabWidget,
        QToolButton,
        QWidget,
    )

    from bms_desktop.gui.controllers.sale_controller import SaleController
    from bms_desktop.gui.widgets.event_log import EventLogWidget
    from bms_desktop.gui.widgets.seat_map import SeatMapWidget
    from bms_desktop.gui.widgets.show_finder import ShowFinderWidget

    _Base = QMainWindow
else:
    _Base = object

COMPACT_WIDTH: Final = 1280  # narrower: the show list folds away while a show is open
TALL_HEIGHT: Final = 900  # taller: the event log sits under the map, else in a tab
FINDER_MIN_WIDTH: Final = 260
MAP_USABLE_WIDTH: Final = 420  # narrower, the show list takes the map's place, not a share
COMPACT_BASKET: Final = (272, 300)  # the basket's width in a compact window (least, most)


def _min_width(widget: QWidget) -> int:
    """The width a layout grants ``widget`` at least."""
    return max(widget.minimumWidth(), widget.minimumSizeHint().width())


def show_details_text(show: ShowSummary) -> str:
    """The line under the open show's title: certificate, language, when (in the cinema's
    time; its zone named where this computer's differs), where."""
    tz = show.timezone
    zone = f" {cinema_time.zone_label(tz)}" if cinema_time.differs_from_this_computer(tz) else ""
    return (
        f"{show.certificate} · {show.language} {show.format} · "
        f"{cinema_time.day(show.starts_at, tz)}, "
        f"{cinema_time.span(show.starts_at, show.ends_at, tz)}{zone}"
        f" · {show.theater_name}, {show.city_name} · {show.screen_name}"
    )


def delay_text(ms: int) -> str:
    if ms <= 0:
        return "off"
    return f"{ms / 1000:g} s" if ms >= 1000 and ms % 1000 == 0 else f"{ms} ms"


def short_db_label(label: str) -> str:
    """The database's name for the narrow status bar: ``/home/asha/.local/share/bms-desktop/
    boxoffice.db`` -> ``boxoffice.db``; ``db.example.com:5432/boxoffice`` -> ``boxoffice`` (the
    whole label goes in a tooltip)."""
    name = label.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    return name or label


class CounterPanelsMixin(_Base):
    """The panel arithmetic of the counter window; the widgets are the window's."""

    controller: SaleController
    finder: ShowFinderWidget
    map_panel: QWidget
    event_log: EventLogWidget
    side_tabs: QTabWidget
    main_split: QSplitter
    centre_split: QSplitter
    shows_button: QToolButton
    map_button: QToolButton
    seat_map: SeatMapWidget
    delay_combo: QComboBox
    _corner: QWidget
    _corner_captions: tuple[QLabel, QLabel]
    _central_margins: int
    _log_in_tab: bool | None
    _unseen_events: int
    _sized: bool
    _finder_pinned: bool
    _panels: tuple[bool, bool] | None

    def is_compact_width(self) -> bool:
        """Narrow (e.g. two counters side by side on one screen): the show list and the map
        take turns (see ``_panel_state``)."""
        return self.width() < COMPACT_WIDTH

    def compact_minimum_width(self) -> int:
        """The narrowest a counter window gets: the basket beside the map or the show list."""
        centre = _min_width(self.map_panel)
        if not self._log_in_tab:
            centre = max(centre, _min_width(self.event_log))
        return (
            self._central_margins
            + self.main_split.handleWidth()
            + _min_width(self.side_tabs)
            + max(centre, _min_width(self.finder))
        )

    def _adapt_layout(self) -> None:
        tall = self.height() >= TALL_HEIGHT
        log_in_tab = not tall
        if log_in_tab != self._log_in_tab:
            self._log_in_tab = log_in_tab
            if log_in_tab:
                self.side_tabs.addTab(self.event_log, "Event log")
            else:
                index = self.side_tabs.indexOf(self.event_log)
                if index >= 0:
                    self.side_tabs.removeTab(index)
                self.centre_split.addWidget(self.event_log)
                self.centre_split.setStretchFactor(1, 1)
                self.event_log.show()
                height = max(self.centre_split.height(), self.height() - 120)
                log_height = max(140, min(260, int(height * 0.22)))
                self.centre_split.setSizes([height - log_height, log_height])
            self._update_log_tab()
            self._panels = None  # the centre's content changed: fit the panels again
        self._fit_corner()
        self._sync_finder_visibility()
        # Explicit, so that a wide window can be made narrow in one step (a window manager
        # snapping it to half the screen): the compact layout that then applies fits.
        self.setMinimumWidth(self.compact_minimum_width())

    def _panel_state(self) -> tuple[bool, bool]:
        """(show list shown, map shown). A wide window shows both. A compact one shows the
        list until a show is open, then the map; the list brought back (☰ Shows, Ctrl+L)
        sits beside the map when the window has the room for both, else in its place."""
        if not self.is_compact_width():
            return True, True
        if self.controller.current_show() is None and not self._loading:
            return True, False
        if not self._finder_pinned:
            return False, True
        need = (
            self._central_margins
            + _min_width(self.finder)
            + max(_min_width(self.map_panel), MAP_USABLE_WIDTH)
            + _min_width(self.side_tabs)
            + 2 * self.main_split.handleWidth()
        )
        return True, self.width() >= need

    _loading = False

    def _sync_finder_visibility(self) -> None:
        finder_on, map_on = self._panel_state()
        self.finder.setVisible(finder_on)
        self.map_panel.setVisible(map_on)
        # Where the list takes the map's place it takes the whole centre column (the event log
        # under the map too), so a compact window never needs more than its minimum width.
        self.centre_split.setVisible(
            map_on or (not self.is_compact_width() and not self._log_in_tab)
        )
        self.shows_button.setVisible(not finder_on)
        self.map_button.setVisible(not map_on and self.controller.current_show() is not None)
        if (finder_on, map_on) != self._panels and self._sized:
            self._panels = (finder_on, map_on)
            self.fit_panels()

    def show_finder(self) -> None:
        """Bring the show list back (it folds away in a narrow window while a show is open)."""
        self._finder_pinned = True
        self._sync_finder_visibility()
        self.finder.focus_search()

    def go_to_map(self) -> None:
        """Focus the seat map; in a narrow window where the show list took the map's place,
        the map comes back first."""
        if self.controller.current_show() is not None and not self.map_panel.isVisibleTo(self):
            self._finder_pinned = False
            self._sync_finder_visibility()
        self.seat_map.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def fit_panels(self) -> None:
        """Give the finder and the basket their share of the width; the map takes the rest."""
        width = max(self.main_split.width(), self.width() - self._central_margins)
        finder_on, map_on = self._panel_state()
        if self.is_compact_width():
            low, high = COMPACT_BASKET
            basket = max(low, min(high, int(width * 0.4)))
            if not finder_on:
                finder = 0
            elif not map_on:
                finder = width - basket  # the list in the centre column's place
            else:
                finder = max(260, min(320, int(width * 0.3)))
        else:
            finder = max(300, min(400, int(width * 0.26)))
            basket = max(320, min(420, int(width * 0.25)))
        self.main_split.setSizes([finder, max(0, width - finder - basket), basket])

    def _fit_corner(self) -> None:
        """The strategy and delay captions in the menu bar's corner go when the window is too
        narrow for them and the menus (the combo boxes keep their tooltips)."""
        bar = self.menuBar()
        menus = sum(bar.actionGeometry(a).width() for a in bar.actions())
        captions = sum(c.sizeHint().width() + 6 for c in self._corner_captions)
        shown = not self._corner_captions[0].isHidden()
        corner = self._corner.sizeHint().width() - (captions if shown else 0)
        fits = menus + corner + captions + 24 <= self.width()
        if fits == shown:
            return
        for caption in self._corner_captions:
            caption.setVisible(fits)
        for i in range(self.delay_combo.count()):  # "off" alone would say nothing
            self.delay_combo.setItemText(i, self._delay_item_text(self.delay_combo.itemData(i)))

    def _delay_item_text(self, ms: int) -> str:
        """A choice of the delay combo box: with its caption beside it or, without, named."""
        if self._corner_captions[1].isHidden():
            return f"Delay {delay_text(ms)}"
        return delay_text(ms)

    def _update_log_tab(self) -> None:
        index = self.side_tabs.indexOf(self.event_log)
        if index < 0:
            return
        if self.side_tabs.currentIndex() == index:
            self._unseen_events = 0
        text = f"Event log ({self._unseen_events} new)" if self._unseen_events else "Event log"
        self.side_tabs.setTabText(index, text)


__all__ = [
    "COMPACT_WIDTH",
    "FINDER_MIN_WIDTH",
    "TALL_HEIGHT",
    "CounterPanelsMixin",
    "delay_text",
    "show_details_text",
]
